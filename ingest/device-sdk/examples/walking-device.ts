/**
 * A simulated attendee's phone walking between conference booths, checking
 * in every step through the device SDK. Stop it with Ctrl-C: it flushes what
 * it can for 5 s; whatever is left waits in the queue directory for the next run.
 *
 *   GATEWAY_URL=http://127.0.0.1:50051 DEVICE_TOKEN=<attendee jwt> PERSON_ID=<id> \
 *     pnpm --filter @udaconnect/device-sdk example
 */
import { createDeviceClient, fileStorage } from "../src/index";
import { loadExampleConfig } from "./config";

const BOOTHS = [
  { name: "Registration", latitude: 37.553441, longitude: -122.290524 },
  { name: "Kafka booth", latitude: 37.553612, longitude: -122.290151 },
  { name: "PostGIS booth", latitude: 37.553287, longitude: -122.289963 },
  { name: "Coffee", latitude: 37.553055, longitude: -122.290402 },
];
const STEPS_PER_LEG = 10;
/** The booth of a leg's start, going round the hall. */
const booth = (leg: number) => BOOTHS[leg % BOOTHS.length] as (typeof BOOTHS)[number];

const { personId, gatewayUrl, token, queueDir, stepMs, legs } = loadExampleConfig();
const device = await createDeviceClient({
  gatewayUrl,
  token,
  storage: await fileStorage(queueDir),
  onReport: (report) => console.warn("device:", JSON.stringify(report)),
});
console.log(`walking as ${personId}; ${device.stats().queued} check-ins left over from last time`);

let stopping = false;
process.once("SIGINT", () => (stopping = true));

for (let leg = 0; !stopping; leg++) {
  const from = booth(leg);
  const to = booth(leg + 1);
  console.log(`${from.name} -> ${to.name}`);
  for (let step = 1; step <= STEPS_PER_LEG && !stopping; step++) {
    const f = step / STEPS_PER_LEG;
    device.checkIn({
      personId,
      latitude: from.latitude + (to.latitude - from.latitude) * f,
      longitude: from.longitude + (to.longitude - from.longitude) * f,
      accuracyM: 5 + Math.random() * 10,
    });
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  console.log("stats:", JSON.stringify(device.stats()));
  if (legs !== undefined && leg + 1 >= legs) break;
}

const flushed = await device.close(5_000);
console.log(flushed ? "all check-ins delivered" : "some check-ins are still queued", JSON.stringify(device.stats()));
// For a read of these check-ins: /v1/persons/{id}/locations?consistent_with=<this>
console.log("consistency token:", device.consistencyToken() ?? "(nothing accepted in this run)");
