import type { KeyObject } from "node:crypto";
import { decodeEvent, type Event } from "@udaconnect/schemas";
import { matchesFilter, type EventFilter } from "./event-filter";
import { toEventRow, type KeyFor } from "./event-row";
import type { OutputFormat } from "./output-format";
import { inTimeWindow, resolveRange, type Bound } from "./replay-range";
import type { RawRecord, TopicLog } from "./topic-log";

export interface ReplayOptions {
  readonly topic: string;
  readonly from: Bound;
  readonly to: Bound;
  readonly filter: EventFilter;
  readonly format: OutputFormat;
  /** Stop at the first undecodable record instead of skipping it. */
  readonly strict: boolean;
  /** Opens sealed personal fields (docs/erasure.md); without it they print as "sealed": true. */
  readonly keys?: ReplayKeys;
}

/** The key store's readers' side: keys loaded on demand, "erased" for one it no longer holds. */
export interface ReplayKeys {
  lookup(keyId: string): KeyObject | "erased" | undefined;
  load(keyId: string): Promise<void>;
}

/** Writes text, resolving once the destination can take more (backpressure keeps memory flat). */
export type WriteText = (text: string) => Promise<void>;

export interface Progress {
  readonly events: number;
  readonly partition: number;
  readonly offset: bigint;
  readonly end: bigint;
}

export interface UndecodableRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly reason: string;
}

export interface ReplayReport {
  readonly read: number;
  readonly written: number;
  /** Undecodable records that were skipped (or, with strict, the one that stopped the replay). */
  readonly undecodable: readonly UndecodableRecord[];
  readonly stoppedByStrict: boolean;
}

export async function replay(log: TopicLog, options: ReplayOptions, write: WriteText, onProgress: (p: Progress) => void = () => {}): Promise<ReplayReport> {
  const range = await resolveRange(log, options.topic, options.from, options.to);
  const undecodable: UndecodableRecord[] = [];
  let read = 0;
  let written = 0;
  await write(options.format.header);
  for (const { partition, from, to } of range.partitions) {
    for await (const record of log.read(options.topic, partition, from, to)) {
      read += 1;
      if (!inTimeWindow(record.timestamp, range.timeWindow)) continue;
      const decoded = decode(record);
      if (typeof decoded === "string") {
        undecodable.push({ partition, offset: record.offset, reason: decoded });
        if (options.strict) return { read, written, undecodable, stoppedByStrict: true };
        continue;
      }
      const row = toEventRow(
        decoded,
        { topic: options.topic, partition, offset: record.offset, timestamp: record.timestamp },
        await keyFor(decoded, options.keys),
      );
      if (matchesFilter(row, options.filter)) {
        const text = options.format.row(row);
        if (text !== "") {
          await write(text);
          written += 1;
        }
      }
      onProgress({ events: read, partition, offset: record.offset, end: to });
    }
  }
  await write(options.format.footer);
  return { read, written, undecodable, stoppedByStrict: false };
}

const noKeyStore: KeyFor = () => "no-key-store";

async function keyFor(event: Event, keys: ReplayKeys | undefined): Promise<KeyFor> {
  if (keys === undefined) return noKeyStore;
  const keyId = sealedKeyId(event);
  if (keyId !== undefined && keys.lookup(keyId) === undefined) await keys.load(keyId);
  return (id) => keys.lookup(id) ?? "erased";
}

function sealedKeyId(event: Event): string | undefined {
  const { payload } = event;
  if (payload.case === "locationRecorded") return payload.value.sealedPosition?.keyId;
  if (payload.case === "personRegistered" || payload.case === "personUpdated") return payload.value.sealedDetails?.keyId;
  return undefined;
}

function decode(record: RawRecord): ReturnType<typeof decodeEvent> | string {
  if (record.value === null) return "the record has no value";
  try {
    return decodeEvent(record.value);
  } catch (error) {
    return `not a udaconnect.v1.Event: ${error instanceof Error ? error.message : String(error)}`;
  }
}
