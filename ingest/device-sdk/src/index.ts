export {
  createDeviceClient,
  type BatchAcknowledgement,
  type CheckInInput,
  type DeviceClient,
  type DeviceClientOptions,
  type DeviceReport,
  type DeviceStats,
} from "./device-client";
export { mergeConsistencyTokens } from "./consistency-tokens";
export { fileStorage } from "./file-storage";
export { memoryStorage, type LoadedQueue, type QueueStorage, type QueuedCheckIn } from "./storage";
export { backoffMs } from "./backoff";
export { uuidv7 } from "./uuidv7";
