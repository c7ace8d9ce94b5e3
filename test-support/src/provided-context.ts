import type {} from "vitest";

/** What the global setup hands to every test: `inject("kafkaBrokers")`, `inject("databaseUrl")`. */
export interface ProvidedInfrastructure {
  kafkaBrokers: string;
  databaseUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext extends ProvidedInfrastructure {}
}
