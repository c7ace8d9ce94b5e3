/**
 * How the benchmarks run a service: as its image runs it, from the esbuild bundle of
 * infra/images/bundle.mjs (`node dist/main.js` beside a node_modules of runtime packages only,
 * with the image's NODE_ENV=production and --enable-source-maps), or from its TypeScript
 * sources through tsx. tsx's loader thread and the transpiled sources add tens of MiB to a
 * process, so memory is measured against a budget on the bundle.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const SERVICE_BUILDS = ["source", "bundle"] as const;
export type ServiceBuild = (typeof SERVICE_BUILDS)[number];

/** The services the benchmarks start: each is an image of infra/images/bundle.mjs and a folder of the repository. */
export type BenchedService = "ingest" | "projector" | "query-api";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const MEMORY_SAMPLER = "@udaconnect/test-support/memory-sampler";

/** What `node` is given to start a service, after the caller's own Node options. */
export interface ServiceCommand {
  readonly cwd: string;
  /** Options that come first (tsx's loader, or what the image sets). */
  readonly loader: readonly string[];
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  /** `--import` of test-support's memory sampler as this build can load it. */
  readonly memorySampler: readonly string[];
}

export interface ServiceBuilds {
  readonly command: (service: BenchedService, build: ServiceBuild) => ServiceCommand;
  /** Removes the bundles' temporary folder. */
  readonly remove: () => Promise<void>;
}

/**
 * Bundles `services` once, into a temporary folder, when `builds` has "bundle" (saying so through
 * `say`, which takes seconds); the sources need nothing made.
 */
export async function prepareBuilds(services: readonly BenchedService[], builds: readonly ServiceBuild[], say: (line: string) => void): Promise<ServiceBuilds> {
  if (!builds.includes("bundle")) {
    return { command: (service, build) => (build === "source" ? sourceCommand(service) : notBundled(service)), remove: async () => {} };
  }
  const dir = await mkdtemp(join(tmpdir(), "bench-bundles-"));
  try {
    for (const service of services) {
      const started = performance.now();
      say(`bundling ${service} as its image does (node infra/images/bundle.mjs ${service} ${join(dir, service)}) …`);
      await bundleImage(service, join(dir, service));
      say(`bundled ${service} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    await bundleMemorySampler(join(dir, "memory-sampler.mjs"));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const bundled = new Set(services);
  return {
    command: (service, build) => {
      if (build === "source") return sourceCommand(service);
      if (!bundled.has(service)) return notBundled(service);
      return {
        cwd: join(dir, service),
        loader: ["--enable-source-maps"],
        entry: "dist/main.js",
        env: { NODE_ENV: "production" },
        memorySampler: ["--import", pathToFileURL(join(dir, "memory-sampler.mjs")).href],
      };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function sourceCommand(service: BenchedService): ServiceCommand {
  return { cwd: join(REPO, service), loader: ["--import", "tsx"], entry: "src/main.ts", env: {}, memorySampler: ["--import", MEMORY_SAMPLER] };
}

function notBundled(service: BenchedService): never {
  throw new Error(`${service} was not bundled for this run`);
}

async function bundleImage(service: BenchedService, outDir: string): Promise<void> {
  const child = spawn(process.execPath, [join(REPO, "infra/images/bundle.mjs"), service, outDir], { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) {
    throw new Error(`infra/images/bundle.mjs ${service} failed (exit code ${code}; its message is above)`);
  }
}

/** The sampler is TypeScript, which a bundled service (no tsx) cannot load: it is bundled too, by the esbuild tsx brings (as bundle.mjs does). */
async function bundleMemorySampler(outfile: string): Promise<void> {
  const here = createRequire(import.meta.url);
  const esbuild = createRequire(here.resolve("tsx/package.json"))("esbuild") as { build: (options: Record<string, unknown>) => Promise<unknown> };
  await esbuild.build({
    entryPoints: [here.resolve(MEMORY_SAMPLER)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    logLevel: "warning",
  });
}
