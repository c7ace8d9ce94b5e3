/** A Kafka broker and a PostGIS database the tests may use, and how to let go of them. */
export interface Infrastructure {
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  /** Stops what this process started; a no-op for servers it was given. */
  readonly stop: () => Promise<void>;
}
