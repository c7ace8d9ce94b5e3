export { startIngestServer, READ_MAX_BYTES, type IngestServer, type IngestServerOptions } from "./start-ingest-server";
export { MAX_CHECK_INS_PER_CALL } from "./ingest/record-locations";
export { MAX_CHECK_INS_PER_BATCH } from "./ingest/stream-check-ins";
export { uuidv7, isUuid } from "./ingest/uuid";
export { INGEST_SCHEMA, loadConfig, type IngestConfig } from "./config";
export { silentLogger, type Logger } from "@udaconnect/observability";
