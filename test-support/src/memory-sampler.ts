/**
 * Preloaded into a service by a benchmark (`node --import @udaconnect/test-support/memory-sampler`):
 * every 100 ms it keeps the largest value of each process.memoryUsage() field, and writes them
 * once a second to $MEMORY_SAMPLER_FILE (read back with readMemoryPeaks). It reads no other
 * variable and changes nothing else; its timer does not keep the process alive.
 */
import { writeFileSync } from "node:fs";
import { memorySamplerFile } from "./config";

const file = memorySamplerFile();
if (file !== undefined) {
  const peaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  let ticks = 0;
  setInterval(() => {
    const now = process.memoryUsage();
    for (const key of Object.keys(peaks) as (keyof typeof peaks)[]) {
      peaks[key] = Math.max(peaks[key], now[key]);
    }
    ticks += 1;
    if (ticks % 10 === 0) writeFileSync(file, JSON.stringify(peaks));
  }, 100).unref();
}
