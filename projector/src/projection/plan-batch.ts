import type { LocationChange, PersonChange, PersonErasure, PersonPatch, SkippedRecord, SourceRecord } from "./changes";
import type { KeyRing } from "./open-sealed";
import { projectRecord } from "./project-record";

/**
 * The set-based writes one batch of one partition amounts to, applied in this
 * order: erasures, then registrations, then patches.
 */
export interface BatchPlan {
  /** One per erased person id: the latest erasure of the batch. */
  readonly erasures: readonly PersonErasure[];
  /** One change per person id: its registration, updates after it merged in (log order). */
  readonly persons: readonly PersonChange[];
  /** Updates of persons neither registered nor erased in this batch: patch the stored row. */
  readonly patches: readonly PersonPatch[];
  /** One change per event id: the first occurrence (a later one is a redelivery). */
  readonly locations: readonly LocationChange[];
  readonly skipped: readonly SkippedRecord[];
  /** Check-ins that occurred before the retention's bound: past LOCATION_RETENTION, never projected. */
  readonly expired: number;
  /** Records below the checkpoint: an earlier run or another instance already applied them. */
  readonly alreadyApplied: number;
  /** Records of erased persons whose sealed fields cannot be opened any more (their data key is destroyed): nothing written. */
  readonly erased: number;
  /** Data keys the batch needs and `keys` has not loaded: load them and plan again (the plan is void until then). */
  readonly missingKeys: readonly string[];
}

interface PersonFold {
  erasure?: PersonErasure;
  row?: PersonChange;
  patch?: PersonPatch;
}

/**
 * Plans the writes of `records` (one partition, in offset order) given the
 * partition's checkpoint `nextOffset`: records below it are dropped, so that a
 * redelivered batch changes nothing. Check-ins that occurred before
 * `oldestKept` (now minus LOCATION_RETENTION) are dropped too: a rebuild then
 * yields what the retention keeps, whether or not Kafka deleted them yet.
 */
export function planBatch(records: readonly SourceRecord[], nextOffset: bigint, oldestKept?: Date, keys?: KeyRing): BatchPlan {
  const persons = new Map<string, PersonFold>();
  const locations = new Map<string, LocationChange>();
  const skipped: SkippedRecord[] = [];
  let alreadyApplied = 0;
  let expired = 0;
  let erased = 0;
  const missingKeys = new Set<string>();
  for (const record of records) {
    if (record.offset < nextOffset) {
      alreadyApplied += 1;
      continue;
    }
    const outcome = projectRecord(record.value, keys);
    switch (outcome.kind) {
      case "location":
        if (oldestKept !== undefined && outcome.change.occurredAt < oldestKept) {
          expired += 1;
        } else if (!locations.has(outcome.change.eventId)) {
          locations.set(outcome.change.eventId, outcome.change);
        }
        break;
      case "skipped":
        skipped.push({ offset: record.offset, reason: outcome.reason });
        break;
      case "erased":
        erased += 1;
        break;
      case "key-needed":
        missingKeys.add(outcome.keyId);
        break;
      default:
        foldPerson(persons, outcome);
    }
  }
  const folds = [...persons.values()];
  return {
    erasures: folds.flatMap((f) => (f.erasure ? [f.erasure] : [])),
    persons: folds.flatMap((f) => (f.row ? [f.row] : [])),
    patches: folds.flatMap((f) => (f.patch ? [f.patch] : [])),
    locations: [...locations.values()],
    skipped,
    expired,
    alreadyApplied,
    erased,
    missingKeys: [...missingKeys],
  };
}

type PersonOutcome =
  | { readonly kind: "person"; readonly change: PersonChange }
  | { readonly kind: "person-updated"; readonly patch: PersonPatch }
  | { readonly kind: "person-erased"; readonly erasure: PersonErasure };

function foldPerson(persons: Map<string, PersonFold>, outcome: PersonOutcome): void {
  const id = outcome.kind === "person" ? outcome.change.id : outcome.kind === "person-updated" ? outcome.patch.id : outcome.erasure.id;
  const fold = persons.get(id) ?? {};
  // Delete first so that the Map's iteration order stays the log order of the last events.
  persons.delete(id);
  persons.set(id, fold);
  switch (outcome.kind) {
    case "person":
      fold.row = outcome.change;
      fold.patch = undefined;
      break;
    case "person-updated":
      if (fold.row !== undefined) {
        fold.row = { ...fold.row, ...definedFields(outcome.patch) };
      } else if (fold.erasure === undefined) {
        fold.patch = { ...fold.patch, ...definedFields(outcome.patch) };
      }
      break;
    case "person-erased": {
      const before = fold.erasure;
      fold.erasure = before !== undefined && before.erasedAt > outcome.erasure.erasedAt ? { ...outcome.erasure, erasedAt: before.erasedAt } : outcome.erasure;
      fold.row = undefined;
      fold.patch = undefined;
      break;
    }
  }
}

function definedFields(patch: PersonPatch): PersonPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as unknown as PersonPatch;
}
