export { startProjector, type Projector, type ProjectorOptions } from "./start-projector";
export { MissingTopicsError } from "./kafka/client";
export { loadConfig, type ProjectorConfig } from "./config";
export { createJsonLogger, type Logger, type LogLevel } from "./logger";
export { startOpsServer, type OpsServer, type Readiness } from "./http/ops-server";
export { planBatch, projectRecord, type BatchPlan, type LocationChange, type PersonChange, type RecordOutcome } from "./projection";
