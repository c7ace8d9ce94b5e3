export type { LocationChange, PersonChange, RecordOutcome, SkippedRecord, SourceRecord } from "./changes";
export { projectRecord } from "./project-record";
export { planBatch, type BatchPlan } from "./plan-batch";
