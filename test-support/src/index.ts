export { createTestDatabase, type DatabaseClient, type TestDatabase, type TestDatabaseOptions } from "./database";
export { createTopics, createTopicsWithLeaders, uniqueNamespace } from "./kafka";
export { eventually, type EventuallyOptions } from "./eventually";
export type { ProvidedInfrastructure } from "./provided-context";
export { childProcessEnv, inheritedEnv, loadTestEnvironment, SECURE_LISTENER_VARIABLES, type SecureListenerVariable } from "./config";
export { freePort } from "./free-port";
export { cpuSeconds, describeMemoryPeaks, memorySampler, peakRssMiB, type MemoryPeaks } from "./process-figures";
export { testMasterKeysFile } from "./master-keys";
