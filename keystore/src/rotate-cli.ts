import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { parseMasterKeys, withNewActiveKey, withoutKey, type MasterKeysFile } from "./master-keys";
import { rewrapDataKeys } from "./rotate";
import { loadRotateEnvironment } from "./config";

const USAGE = `usage: scripts/rotate-master-key COMMAND [--file PATH]

Master keys of the crypto-shredding key store (docs/erasure.md). PATH defaults to
$UDACONNECT_MASTER_KEYS_FILE.

  new-file     write a new master keys file with one random key (refuses to overwrite)
  add-key      add a random key to the file and make it the active one (old ones stay readable)
  rewrap       re-wrap every data key in the key store under the active key (DATABASE_URL)
  remove-key ID  drop a master key from the file once rewrap reports no key under it

Rotation: add-key, roll the services (they wrap new keys with the new id), rewrap, remove-key OLD.
Exit codes: 0 done; 1 failed; 2 usage error.`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { file: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    console.error(`rotate-master-key: ${error instanceof Error ? error.message : String(error)} (see --help)`);
    return 2;
  }
  if (parsed.values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const [command, argument] = parsed.positionals;
  const environment = loadRotateEnvironment();
  const file = parsed.values.file ?? environment.masterKeysFile ?? "";
  if (file === "" || command === undefined) {
    console.error("rotate-master-key: a COMMAND and --file or UDACONNECT_MASTER_KEYS_FILE are needed (see --help)");
    return 2;
  }
  const read = async (): Promise<MasterKeysFile> => {
    const text = await readFile(file, "utf8");
    parseMasterKeys(text, file);
    return JSON.parse(text) as MasterKeysFile;
  };
  const write = (contents: MasterKeysFile, flag: "w" | "wx") => writeFile(file, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600, flag });
  switch (command) {
    case "new-file":
      await write(withNewActiveKey(undefined, new Date()), "wx");
      console.error(`rotate-master-key: wrote ${file}`);
      return 0;
    case "add-key": {
      const next = withNewActiveKey(await read(), new Date());
      await write(next, "w");
      console.error(`rotate-master-key: ${next.active} is now active; roll the services, then run rewrap`);
      return 0;
    }
    case "remove-key":
      if (argument === undefined) {
        console.error("rotate-master-key: remove-key needs the key id (see --help)");
        return 2;
      }
      await write(withoutKey(await read(), argument), "w");
      console.error(`rotate-master-key: removed ${argument} from ${file}`);
      return 0;
    case "rewrap": {
      if (environment.databaseUrl === undefined) {
        console.error("rotate-master-key: rewrap needs DATABASE_URL, the key store's database (see --help)");
        return 2;
      }
      const pool = new pg.Pool({ connectionString: environment.databaseUrl, max: 2 });
      try {
        const result = await rewrapDataKeys(pool, parseMasterKeys(await readFile(file, "utf8"), file), (done) =>
          console.error(`rotate-master-key: ${done} data keys re-wrapped`),
        );
        console.log(JSON.stringify(result));
        return 0;
      } finally {
        await pool.end();
      }
    }
    default:
      console.error(`rotate-master-key: unknown command ${command} (see --help)`);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`rotate-master-key: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
