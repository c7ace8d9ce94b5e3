import { silentLogger, startIngestServer } from "@udaconnect/ingest";
import { createJsonLogger, startProjector } from "@udaconnect/projector";
import { startQueryApi } from "@udaconnect/query-api";
import { createTestDatabase, eventually, type TestDatabase } from "@udaconnect/test-support";

export interface RunningPipeline {
  readonly ingestUrl: string;
  readonly queryApiUrl: string;
  readonly database: TestDatabase;
  readonly stop: () => Promise<void>;
}

/**
 * The three services in this process, on ephemeral ports, with a topic
 * namespace and a database of their own: what `./scripts/up` runs, isolated.
 */
export async function startPipeline(options: { kafkaBrokers: string; databaseUrl: string; topicNamespace: string }): Promise<RunningPipeline> {
  const { kafkaBrokers, topicNamespace } = options;
  const database = await createTestDatabase(options.databaseUrl);
  // Services log only what would explain a failure; tests read their results, not their logs.
  const ingest = await startIngestServer({ kafkaBrokers, topicNamespace, port: 0, logger: silentLogger });
  // The gateway creates the topics once it reaches Kafka; the projector needs them.
  await eventually(() => {
    if (!ingest.isReady()) throw new Error("ingest is not ready");
  });
  const projector = await startProjector({ kafkaBrokers, databaseUrl: database.url, topicNamespace, groupId: `${topicNamespace}-projector`, logger: createJsonLogger("warn") });
  const queryApi = await startQueryApi({ databaseUrl: database.url, port: 0 });
  return {
    ingestUrl: ingest.url,
    queryApiUrl: queryApi.url,
    database,
    stop: async () => {
      await queryApi.close();
      await projector.stop();
      await ingest.close();
      await database.drop();
    },
  };
}

/** GET a JSON document from the query API; throws on any status but 200 so `eventually` retries. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (response.status !== 200) {
    throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  }
  return (await response.json()) as T;
}
