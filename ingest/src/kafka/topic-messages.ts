import { EVENT_CONTENT_TYPE, encodeEvent, topicName } from "@udaconnect/schemas";
import type { OutgoingEvent } from "../ingest/ports";
import type { OutgoingRecord, TopicRecords } from "./record-producer";

/**
 * Groups events by topic for one send, keeping their order: both clients
 * keep the order of messages within a topic, and the key (the person id)
 * picks the partition, so each person's events stay in the order given.
 */
export function toTopicMessages(events: readonly OutgoingEvent[], namespace: string): TopicRecords[] {
  const byTopic = new Map<string, OutgoingRecord[]>();
  for (const { topic, key, event } of events) {
    const name = topicName(topic, namespace);
    const messages = byTopic.get(name) ?? [];
    const value = encodeEvent(event);
    messages.push({
      key,
      // A view, not a copy: the encoded bytes are not used elsewhere.
      value: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
      headers: headersOf(event.type),
    });
    byTopic.set(name, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/** One frozen headers object per event type: nothing to build per record, and a client can encode each once. */
const headersByType = new Map<string, Readonly<Record<string, string>>>();
function headersOf(eventType: string): Readonly<Record<string, string>> {
  let headers = headersByType.get(eventType);
  if (headers === undefined) {
    headers = Object.freeze({ "content-type": EVENT_CONTENT_TYPE, "event-type": eventType });
    headersByType.set(eventType, headers);
  }
  return headers;
}
