import type { Message, TopicMessages } from "kafkajs";
import { EVENT_CONTENT_TYPE, encodeEvent, topicName } from "@udaconnect/schemas";
import type { OutgoingEvent } from "../ingest/ports";

/**
 * Groups events by topic for one sendBatch, keeping their order: kafkajs
 * keeps the order of messages within a topic, and the key (the person id)
 * picks the partition, so each person's events stay in the order given.
 */
export function toTopicMessages(events: readonly OutgoingEvent[], namespace: string): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, key, event } of events) {
    const name = topicName(topic, namespace);
    const messages = byTopic.get(name) ?? [];
    const value = encodeEvent(event);
    messages.push({
      key,
      // A view, not a copy: the encoded bytes are not used elsewhere.
      value: Buffer.from(value.buffer, value.byteOffset, value.byteLength),
      headers: { "content-type": EVENT_CONTENT_TYPE, "event-type": event.type },
    });
    byTopic.set(name, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
