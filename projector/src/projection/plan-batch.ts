import type { LocationChange, PersonChange, SkippedRecord, SourceRecord } from "./changes";
import { projectRecord } from "./project-record";

/** The set-based writes one batch of one partition amounts to. */
export interface BatchPlan {
  /** One change per person id: the last registration of the batch in log order. */
  readonly persons: readonly PersonChange[];
  /** One change per event id: the first occurrence (a later one is a redelivery). */
  readonly locations: readonly LocationChange[];
  readonly skipped: readonly SkippedRecord[];
  /** Records below the checkpoint: an earlier run or another instance already applied them. */
  readonly alreadyApplied: number;
}

/**
 * Plans the writes of `records` (one partition, in offset order) given the
 * partition's checkpoint `nextOffset`: records below it are dropped, so that a
 * redelivered batch changes nothing.
 */
export function planBatch(records: readonly SourceRecord[], nextOffset: bigint): BatchPlan {
  const persons = new Map<string, PersonChange>();
  const locations = new Map<string, LocationChange>();
  const skipped: SkippedRecord[] = [];
  let alreadyApplied = 0;
  for (const record of records) {
    if (record.offset < nextOffset) {
      alreadyApplied += 1;
      continue;
    }
    const outcome = projectRecord(record.value);
    switch (outcome.kind) {
      case "person":
        // Delete first so that the Map's iteration order stays the log order of the winners.
        persons.delete(outcome.change.id);
        persons.set(outcome.change.id, outcome.change);
        break;
      case "location":
        if (!locations.has(outcome.change.eventId)) {
          locations.set(outcome.change.eventId, outcome.change);
        }
        break;
      case "skipped":
        skipped.push({ offset: record.offset, reason: outcome.reason });
        break;
    }
  }
  return { persons: [...persons.values()], locations: [...locations.values()], skipped, alreadyApplied };
}
