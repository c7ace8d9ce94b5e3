export { buildApp, type AppDependencies } from "./app";
export { startQueryApi, type QueryApiOptions, type RunningQueryApi } from "./server";
export { loadConfig, QUERY_API_SCHEMA, type LogLevel, type QueryApiConfig } from "./config";
export { createDatabase, pingDatabase } from "./postgres/create-database";
export { findConnections, connectionsQuery, type ConnectionLookup } from "./legacy-connections/find-connections";
export type { Connection, ConnectionLocation } from "./legacy-connections/connection";
export {
  parseConnectionQuery,
  parseCalendarDate,
  checkDistance,
  DEFAULT_DISTANCE_METRES,
  MAX_DISTANCE_METRES,
  type ConnectionCriteria,
} from "./legacy-connections/connection-criteria";
export type { InvalidParameter } from "./invalid-parameter";
export { findPerson, listPersons } from "./persons/find-persons";
export type { Person } from "./persons/person";
export { findEncounters, findEncountersJson, explainEncounters } from "./encounters/find-encounters";
export type { EncounterLookup, EncounterStrategy } from "./encounters/encounter-lookup";
export type { ConnectionSummary } from "./encounters/connection-summary";
export {
  parseEncounterQuery,
  DEFAULT_ENCOUNTER_DISTANCE_M,
  MAX_ENCOUNTER_DISTANCE_M,
  DEFAULT_WITHIN_S,
  MAX_WITHIN_S,
  MAX_RANGE_DAYS,
  type EncounterCriteria,
} from "./encounters/encounter-criteria";
export type { Authentication } from "./http/access";
