export type { Database, ErasedPersonTable, LocationTable, PersonTable, ProjectionCheckpointTable } from "./database";
export { migrateToLatest, MIGRATE_LOCK, type MigrateResult } from "./migrate";
export { homeSchemaOf, listGenerations, withAdvisoryLock, ensureControlTables, type AnyDb, type Generation, type GenerationStatus } from "./control";
export { applyPending, createGeneration, dropGeneration } from "./generations";
export { switchGeneration, type PartitionBehind, type SwitchOptions, type SwitchOutcome } from "./switch-generation";
export { readMigrationFiles, type MigrationFile } from "./migration-files";
export { pointOfHexEwkb } from "./hex-ewkb";
export { migrateKeyStore } from "./key-store-schema";
export { READ_MODELS_DATABASE_URL } from "./config";
