import { EventSchema } from "./gen/udaconnect/v1/events_pb";
import { DEFAULT_LOCATION_RETENTION, parseRetention, retentionMsOf, RETAIN_FOREVER, type Retention } from "./location-retention";

/**
 * A Kafka topic of UdaConnect: its name, how many partitions it is created
 * with, and the schema of its values. Every record's key is the person id, so
 * all events of one person land in one partition and stay in order.
 */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /**
   * Kafka `retention.ms`; -1 keeps every record. The persons topic keeps
   * everything because rebuilds replay it from offset 0; the locations topic
   * follows LOCATION_RETENTION (see eventTopics; here with its default).
   */
  readonly retentionMs: number;
  readonly valueSchema: typeof EventSchema;
}

const FOREVER = -1;
const FOURTEEN_DAYS_MS = 14 * 24 * 3600 * 1000;

/** PersonRegistered events, keyed by person id. */
export const personsTopic: TopicSpec = Object.freeze({
  name: "udaconnect.persons.v1",
  partitions: 3,
  retentionMs: FOREVER,
  valueSchema: EventSchema,
});

/** LocationRecorded events, keyed by person id; retention.ms as LOCATION_RETENTION's default. */
export const locationsTopic: TopicSpec = Object.freeze({
  name: "udaconnect.locations.v1",
  partitions: 6,
  retentionMs: retentionMsOf(parseRetention(DEFAULT_LOCATION_RETENTION) ?? RETAIN_FOREVER),
  valueSchema: EventSchema,
});

export const allTopics: readonly TopicSpec[] = Object.freeze([personsTopic, locationsTopic]);

/**
 * The event topics with the locations topic's retention.ms set from a
 * LOCATION_RETENTION (see locationRetentionFrom); the persons topic keeps its own.
 */
export function eventTopics(locationRetention: Retention): readonly TopicSpec[] {
  return Object.freeze(allTopics.map((spec) => (spec === locationsTopic ? Object.freeze({ ...spec, retentionMs: retentionMsOf(locationRetention) }) : spec)));
}

/**
 * The topic's name inside a namespace. Tests and parallel environments prefix
 * every topic (e.g. "test-42.udaconnect.locations.v1") instead of sharing one
 * log; the empty namespace is production.
 */
export function topicName(topic: TopicSpec, namespace: string): string {
  return namespace === "" ? topic.name : `${namespace}.${topic.name}`;
}

/**
 * Records the projector could not apply (undecodable, unknown type, invalid
 * values), with their original bytes and where they came from in the headers.
 */
export const deadLetterTopic: TopicSpec = Object.freeze({
  name: "udaconnect.dead-letter.v1",
  partitions: 1,
  retentionMs: FOURTEEN_DAYS_MS,
  valueSchema: EventSchema,
});
