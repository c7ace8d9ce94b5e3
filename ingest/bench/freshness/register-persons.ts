import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { compatibilityPartitioner, ProduceAcks, Producer } from "@platformatic/kafka";
import { encodeEvent, personsTopic, topicName } from "@udaconnect/schemas";
import { personRegistered } from "../../src/ingest/events";

/**
 * The people the devices check in for, registered as the gateway would register them
 * (PersonRegistered on the persons topic, keyed by person), and waited for until the query
 * API knows every one: set-up, not timed.
 */
export async function registerPersons(brokers: string, namespace: string, apiUrl: string, personIds: readonly string[]): Promise<void> {
  const producer = new Producer({
    clientId: "bench-freshness",
    bootstrapBrokers: brokers.split(","),
    idempotent: true,
    acks: ProduceAcks.ALL,
    partitioner: compatibilityPartitioner,
  });
  try {
    const now = timestampFromDate(new Date());
    const topic = topicName(personsTopic, namespace);
    await producer.send({
      messages: personIds.map((personId, i) => {
        const { event } = personRegistered({ eventId: randomUUID(), personId, firstName: `Device${i}`, lastName: "Bench", companyName: "Freshness" }, now);
        return { topic, key: Buffer.from(personId), value: Buffer.from(encodeEvent(event)) };
      }),
    });
  } finally {
    await producer.close();
  }
  const deadline = Date.now() + 120_000;
  for (const personId of personIds) {
    while (
      (await fetch(`${apiUrl}/v1/persons/${encodeURIComponent(personId)}`).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      })) !== 200
    ) {
      if (Date.now() > deadline) throw new Error(`the query API did not show person ${personId} within 120 s: is the projector running? (see its log)`);
      await sleep(50);
    }
  }
}
