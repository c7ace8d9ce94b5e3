import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { SOURCE_HASH_KEYWORD, sourceHash, staleness, withPngText } from "./diagram/png-text";

export const DIAGRAM_SOURCE = fileURLToPath(new URL("../../docs/architecture.dot", import.meta.url));
export const DIAGRAM_PNG = fileURLToPath(new URL("../../docs/architecture.png", import.meta.url));

const USAGE = `usage: scripts/render-diagram [--check]

Renders docs/architecture.dot to docs/architecture.png with Graphviz (dot), recording the
source's SHA-256 in the PNG (a tEXt chunk). Installs Debian's graphviz when missing (as root).

  --check   render nothing, need no Graphviz: fail when docs/architecture.png is not
            a PNG rendered from the current docs/architecture.dot

Exit codes: 0 rendered, or current; 1 not current (--check) or failed; 2 usage error.`;

async function main(): Promise<number> {
  let check: boolean;
  try {
    const { values } = parseArgs({ options: { check: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    check = values.check ?? false;
  } catch (error) {
    console.error(`render-diagram: ${error instanceof Error ? error.message : String(error)} (see --help)`);
    return 2;
  }
  const source = await readFile(DIAGRAM_SOURCE, "utf8");
  if (check) {
    const png = await readFile(DIAGRAM_PNG).catch(() => Buffer.alloc(0));
    const why = staleness(png, source);
    if (why !== undefined) {
      console.error(`render-diagram: docs/architecture.png is not current (${why}): run scripts/render-diagram and commit the PNG.`);
      return 1;
    }
    console.error("render-diagram: docs/architecture.png is current");
    return 0;
  }
  const { stdout } = await promisify(execFile)("dot", ["-Tpng", "-Gdpi=110", DIAGRAM_SOURCE], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  await writeFile(DIAGRAM_PNG, withPngText(stdout, SOURCE_HASH_KEYWORD, sourceHash(source)));
  console.error(`render-diagram: wrote ${DIAGRAM_PNG}`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`render-diagram: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
