export { startProjector, type Projector, type ProjectorOptions } from "./start-projector";
export { MissingTopicsError } from "./kafka/client";
export { DEAD_LETTER_HEADERS } from "./kafka/dead-letter";
export { loadConfig, PROJECTOR_SCHEMA, type ProjectorConfig } from "./config";
export { startOpsServer, type OpsServer, type Readiness } from "./http/ops-server";
export { createProjectorMetrics, type ProjectorMetrics } from "./metrics/projector-metrics";
export { runRebuild, RebuildInProgressError, REBUILD_LOCK, type RebuildOptions, type RebuildOutcome } from "./rebuild/run-rebuild";
export { planBatch, projectRecord, type BatchPlan, type LocationChange, type PersonChange, type RecordOutcome } from "./projection";
export type { GenerationTarget } from "./projection/ports";
