import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ProducerThreadSettings } from "./thread-messages";

/**
 * Starts kafka-producer-thread, from the sources or from the image's bundle:
 * bundled, this code is part of dist/main.js and the thread's entry is
 * dist/kafka-producer-thread.js beside it (infra/images/bundle.mjs). From the
 * sources (tsx, vitest) the entry is TypeScript, which a worker thread can
 * only load after registering tsx's loader itself (neither tsx's --import
 * nor vitest's transform reaches a worker thread on Node 20).
 */
export function spawnProducerThread(settings: ProducerThreadSettings): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) {
    return new Worker(new URL("./kafka-producer-thread.js", here), { workerData: settings });
  }
  const entry = new URL("./kafka-producer-thread.ts", here).href;
  // tsx's ESM API (the require condition resolves to its .cjs twin, which cannot register the loader).
  const tsxApi = pathToFileURL(
    createRequire(here)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry)}));`;
  return new Worker(bootstrap, { eval: true, workerData: settings });
}
