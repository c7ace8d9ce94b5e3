import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const SQL_DIR = fileURLToPath(new URL("../sql/", import.meta.url));

// A file whose first lines hold this marker reshapes a read model: it is never
// applied to the live generation in place, only to a new one by a rebuild.
const REBUILD_MARKER = /^--\s*deploy:\s*rebuild\b/m;

export interface MigrationFile {
  /** File name without ".sql", e.g. "0001_read_models". */
  readonly name: string;
  readonly text: string;
  readonly requiresRebuild: boolean;
}

/** Every `sql/NNNN_name.sql`, in name order. */
export async function readMigrationFiles(): Promise<MigrationFile[]> {
  const files = (await readdir(SQL_DIR)).filter((f) => f.endsWith(".sql")).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(`${SQL_DIR}${file}`, "utf8");
      return { name: file.replace(/\.sql$/, ""), text, requiresRebuild: REBUILD_MARKER.test(text.slice(0, 2_000)) };
    }),
  );
}
