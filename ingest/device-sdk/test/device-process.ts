/**
 * A device as a separate process, so a test can SIGKILL it mid-flush.
 * argv: <gatewayUrl> <queueDir> <personId> <count>. Queues `count` check-ins
 * (when count > 0), prints `queued <ids as JSON>` once they are on disk, then
 * flushes in small batches, printing `accepted <n>` after each answer, and
 * `done <stats as JSON>` when the queue is empty.
 */
import { createDeviceClient, fileStorage } from "../src/index";

const [gatewayUrl = "", queueDir = "", personId = "", countText = "0"] = process.argv.slice(2);
const device = await createDeviceClient({
  gatewayUrl,
  storage: await fileStorage(queueDir),
  batchSize: 10,
  maxInFlightBatches: 1,
  backoff: { baseMs: 50, maxMs: 500 },
});
console.log(`resumed ${device.stats().queued}`);
const ids: string[] = [];
for (let i = 0; i < Number(countText); i++) {
  ids.push(device.checkIn({ personId, latitude: 1 + i / 1000, longitude: 2, occurredAt: new Date(Date.now() - 1000) }) ?? "dropped");
}
await device.written();
console.log(`queued ${JSON.stringify(ids)}`);
let reported = 0;
const progress = setInterval(() => {
  if (device.stats().accepted !== reported) {
    reported = device.stats().accepted;
    console.log(`accepted ${reported}`);
  }
}, 5);
await device.close(30_000);
clearInterval(progress);
console.log(`done ${JSON.stringify(device.stats())}`);
