#!/usr/bin/env node
// Builds the /app folder of one service image: the workspace code of each entry point bundled
// by esbuild into dist/*.js (third-party packages left external), the assets those bundles read
// beside them, and node_modules holding only the third-party packages the bundles import, with
// their own runtime dependencies, copied from the workspace's pnpm store layout (so the
// lockfile's versions and pnpm's patches are what runs; tsx and dev tools never get in).
//
// usage: node infra/images/bundle.mjs <image> <out-dir> [--legacy-dir DIR]
import { cp, lstat, mkdir, readdir, readFile, readlink, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * What each service image runs. Paths are relative to the repository. Assets keep the place the
 * code expects them relative to its own file (`new URL("../web/", import.meta.url)` from
 * /app/dist/main.js is /app/web/).
 */
const IMAGES = {
  // kafka-producer-thread.js: the Kafka producer thread (INGEST_KAFKA_THREAD=worker), which main.js starts from beside itself.
  ingest: { entries: { main: "ingest/src/main.ts", "kafka-producer-thread": "ingest/src/kafka/worker/kafka-producer-thread.ts" }, assets: {} },
  // cli.js rebuild builds a generation from the migration files (migrations/src/migration-files.ts: ../sql/).
  // prune-locations.js: the prune-locations CronJob (LOCATION_RETENTION).
  projector: {
    entries: { main: "projector/src/main.ts", cli: "projector/src/cli.ts", "prune-locations": "projector/src/prune-cli.ts" },
    assets: { sql: "migrations/sql" },
  },
  "query-api": { entries: { main: "query-api/src/main.ts" }, assets: { web: "query-api/src/web" } },
  tools: {
    entries: {
      migrate: "migrations/src/main.ts",
      "import-legacy": "scripts/src/import-legacy.ts",
      replay: "scripts/src/replay-cli.ts",
    },
    // migrate.js also makes schema keystore from migrations/keystore/*.sql (migrations/src/key-store-schema.ts: ../keystore/).
    assets: { sql: "migrations/sql", keystore: "migrations/keystore", "data/legacy": "<legacy>" },
  },
};

const USAGE = `usage: node infra/images/bundle.mjs <${Object.keys(IMAGES).join("|")}> <out-dir> [--legacy-dir DIR]
Writes <out-dir>/dist/*.js, the assets and <out-dir>/node_modules (runtime packages only).
--legacy-dir is required for the tools image: the original UdaConnect SQL dumps.`;

function fail(message, code = 1) {
  process.stderr.write(`bundle: ${message}\n`);
  process.exit(code);
}

/** tsx pins the esbuild the workspace already has: use that one rather than a second copy. */
async function loadEsbuild() {
  const fromTsx = createRequire(await realpath(join(REPO, "node_modules/tsx/package.json")));
  return fromTsx("esbuild");
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The folder Node would load `name` from, seen from `fromDir`, with symlinks resolved. */
async function findPackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    try {
      return await realpath(candidate);
    } catch {
      if (dirname(dir) === dir) {
        throw new Error(`cannot find package ${name} from ${fromDir}; run pnpm install first`);
      }
    }
  }
}

/** name → folder of every package listed in pnpm-workspace.yaml. */
async function workspacePackages() {
  const yaml = await readFile(join(REPO, "pnpm-workspace.yaml"), "utf8");
  // The block under the top-level `packages:` key, up to the next top-level key.
  const list = /^packages:\s*\n((?:[ \t]+.*\n?|\s*\n)*)/m.exec(yaml)?.[1] ?? "";
  const dirs = [...list.matchAll(/^\s+-\s+["']?([^"'\s#]+)["']?\s*$/gm)].map((m) => m[1]);
  const packages = new Map();
  for (const dir of dirs) {
    const manifest = JSON.parse(await readFile(join(REPO, dir, "package.json"), "utf8").catch(() => "{}"));
    if (typeof manifest.name === "string") {
      packages.set(manifest.name, { dir: join(REPO, dir), exports: manifest.exports ?? {} });
    }
  }
  return packages;
}

/**
 * Resolves workspace packages (@udaconnect/*) from the workspace itself, so a package added
 * since the last `pnpm install` still bundles, keeps them in the bundle, and records every
 * other package imported, which stays external.
 */
function externalsPlugin(found, workspace) {
  return {
    name: "third-party-external",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.path.startsWith("node:")) {
          return undefined;
        }
        if (args.path.startsWith("@udaconnect/")) {
          const name = packageName(args.path);
          const pkg = workspace.get(name);
          const target = pkg?.exports[`.${args.path.slice(name.length)}`];
          if (typeof target !== "string") {
            throw new Error(`${args.path} (imported by ${args.importer}) is not an export of a workspace package`);
          }
          return { path: join(pkg.dir, target) };
        }
        const name = packageName(args.path);
        const dir = await findPackageDir(name, args.resolveDir);
        const seen = found.get(name);
        if (seen !== undefined && seen !== dir) {
          throw new Error(`two versions of ${name} are imported (${seen} and ${dir}); one /app/node_modules can hold only one`);
        }
        found.set(name, dir);
        return { path: args.path, external: true };
      });
    },
  };
}

async function bundle(image, outDir) {
  const esbuild = await loadEsbuild();
  const found = new Map();
  const entryPoints = Object.fromEntries(Object.entries(image.entries).map(([out, src]) => [out, join(REPO, src)]));
  await esbuild.build({
    entryPoints,
    outdir: join(outDir, "dist"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "warning",
    // CommonJS code inside the bundle (none today) would need `require`; ESM output has none.
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    plugins: [externalsPlugin(found, await workspacePackages())],
  });
  return found;
}

/** The pnpm virtual-store folder (…/.pnpm/<entry>) that holds a package folder. */
function storeEntryOf(packageDir) {
  const marker = `${sep}.pnpm${sep}`;
  const at = packageDir.lastIndexOf(marker);
  if (at < 0) {
    throw new Error(`${packageDir} is not inside a pnpm virtual store (node_modules/.pnpm)`);
  }
  const entry = packageDir.slice(at + marker.length).split(sep)[0];
  return { store: packageDir.slice(0, at + marker.length - 1), entry };
}

/** Symlinks in <entry>/node_modules (one level, or two under @scope) are the entry's dependencies. */
async function dependencyLinks(entryDir) {
  const links = [];
  const walk = async (dir, depth) => {
    for (const item of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isSymbolicLink()) {
        links.push(path);
      } else if (item.isDirectory() && item.name.startsWith("@") && depth === 0) {
        await walk(path, 1);
      }
    }
  };
  await walk(join(entryDir, "node_modules"), 0);
  return links;
}

/** Every store entry reachable from the imported packages through their dependency links. */
async function runtimeClosure(found) {
  const entries = new Map();
  const pending = [...found.values()].map(storeEntryOf);
  while (pending.length > 0) {
    const { store, entry } = pending.pop();
    if (entries.has(entry)) {
      continue;
    }
    entries.set(entry, store);
    for (const link of await dependencyLinks(join(store, entry))) {
      pending.push(storeEntryOf(await realpath(link)));
    }
  }
  return entries;
}

/**
 * pnpm store entries are named after version, peers and patch hash, so the same list of entries
 * and links is the same content: a rebuild with unchanged dependencies keeps node_modules as it is.
 */
async function copyRuntimePackages(found, outDir) {
  const entries = await runtimeClosure(found);
  const modulesDir = join(outDir, "node_modules");
  const manifestFile = join(modulesDir, ".udaconnect-closure");
  const manifest = JSON.stringify({ entries: [...entries.keys()].sort(), links: [...found].map(([name, dir]) => [name, storeEntryOf(dir).entry]).sort() });
  if ((await readFile(manifestFile, "utf8").catch(() => "")) === manifest) {
    return { count: entries.size, reused: true };
  }
  await rm(modulesDir, { recursive: true, force: true });
  const storeOut = join(modulesDir, ".pnpm");
  await mkdir(storeOut, { recursive: true });
  for (const [entry, store] of entries) {
    await cp(join(store, entry), join(storeOut, entry), { recursive: true, verbatimSymlinks: true });
  }
  for (const [name, dir] of found) {
    const link = join(outDir, "node_modules", name);
    await mkdir(dirname(link), { recursive: true });
    await symlink(relative(dirname(link), join(storeOut, storeEntryOf(dir).entry, "node_modules", name)), link);
  }
  await writeFile(manifestFile, manifest);
  return { count: entries.size, reused: false };
}

async function copyAssets(assets, outDir, legacyDir) {
  for (const [dest, src] of Object.entries(assets)) {
    const from = src === "<legacy>" ? legacyDir : join(REPO, src);
    if (from === undefined) {
      fail("the tools image needs --legacy-dir DIR (the folder with udaconnect_public_person.sql)", 2);
    }
    await cp(from, join(outDir, dest), { recursive: true, dereference: true });
  }
}

/** Fails on a symlink that points outside out-dir: it would dangle inside the image. */
async function checkLinksStayInside(outDir) {
  const root = await realpath(outDir);
  const walk = async (dir) => {
    for (const item of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, item.name);
      if (item.isSymbolicLink()) {
        const target = resolve(dirname(path), await readlink(path));
        if (!target.startsWith(root + sep)) {
          throw new Error(`${path} points outside the image folder (${target})`);
        }
        await lstat(target).catch(() => {
          throw new Error(`${path} dangles (${target})`);
        });
      } else if (item.isDirectory()) {
        await walk(path);
      }
    }
  };
  await walk(root);
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { "legacy-dir": { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    fail(`${error.message} (see --help)`, 2);
  }
  const { positionals, values } = parsed;
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [name, out] = positionals;
  const image = IMAGES[name];
  if (image === undefined || out === undefined || positionals.length !== 2) {
    fail(`expected an image name and an output folder\n${USAGE}`, 2);
  }
  const outDir = resolve(out);
  // Everything but node_modules is made afresh; node_modules only when its packages change.
  await mkdir(outDir, { recursive: true });
  for (const item of await readdir(outDir)) {
    if (item !== "node_modules") {
      await rm(join(outDir, item), { recursive: true, force: true });
    }
  }
  const found = await bundle(image, outDir);
  const { count, reused } = await copyRuntimePackages(found, outDir);
  await copyAssets(image.assets, outDir, values["legacy-dir"] && resolve(values["legacy-dir"]));
  await writeFile(join(outDir, "package.json"), `${JSON.stringify({ name: `udaconnect-${name}`, private: true, type: "module" }, null, 2)}\n`);
  await checkLinksStayInside(outDir);
  process.stderr.write(
    `bundle: ${name}: ${Object.keys(image.entries)
      .map((e) => `dist/${e}.js`)
      .join(", ")}; ` +
      `${found.size} imported packages (${[...found.keys()].sort().join(", ")}), ${count} with their dependencies` +
      `${reused ? " (node_modules unchanged, kept)" : ""}\n`,
  );
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
