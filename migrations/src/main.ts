import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { loadConfig } from "./config";
import { migrateToLatest } from "./migrate";

const config = loadConfig();
const db = new Kysely<unknown>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: config.databaseUrl, max: 1 }) }),
});
try {
  const { generation, applied } = await migrateToLatest(db);
  console.log(
    applied.length === 0
      ? `migrate: read models are up to date (live generation ${generation})`
      : `migrate: applied ${applied.join(", ")} (live generation ${generation})`,
  );
} catch (error) {
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
