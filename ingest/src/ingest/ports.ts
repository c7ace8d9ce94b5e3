import type { Event, LogPosition, TopicSpec } from "@udaconnect/schemas";

/** One event bound for a topic, keyed by person id so each person's events stay in order. */
export interface OutgoingEvent {
  readonly topic: TopicSpec;
  readonly key: string;
  readonly event: Event;
}

/**
 * Appends events durably (acks=all) and resolves only once the log has them,
 * in the order given, with the log positions reached (one per partition
 * written, `nextOffset` = offset of the last record there + 1) for the
 * consistency token. Rejects with AppendEventsError when that cannot be
 * confirmed: some, all or none of the events may then be in the log, which is
 * safe because a retry carries the same event ids and readers deduplicate by them.
 */
export type AppendEvents = (events: readonly OutgoingEvent[]) => Promise<readonly LogPosition[]>;

export class AppendEventsError extends Error {
  override readonly name = "AppendEventsError";
}

/** The server's clock; injected so tests control recorded_at and the "future" bound. */
export type Clock = () => Date;

/** Assigns event ids and person ids (UUIDv7 in production); injected so tests get known ids. */
export type NewId = () => string;

/** Event ids appended lately; lets a retry be answered DUPLICATE (see recent-event-ids.ts for what it does not promise). */
export interface SeenEventIds {
  has(eventId: string): boolean;
  add(eventIds: Iterable<string>): void;
}

export interface IngestDependencies {
  readonly appendEvents: AppendEvents;
  readonly now: Clock;
  readonly newId: NewId;
  /** Oldest occurred_at a device may report, as an age; see checkInPolicy in access.ts. */
  readonly maxCheckInAgeMs: number;
  readonly seenEventIds: SeenEventIds;
  /** Crypto-shreds a person: deletes their data key (docs/erasure.md); resolves once it is gone. */
  readonly destroyPersonKey: DestroyPersonKey;
}

export type DestroyPersonKey = (personId: string) => Promise<void>;
