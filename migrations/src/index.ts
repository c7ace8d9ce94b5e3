export type { Database, LocationTable, PersonTable, ProjectionCheckpointTable } from "./database";
export { migrateToLatest } from "./migrate";
