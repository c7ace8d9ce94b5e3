import { silentLogger, startIngestServer } from "@udaconnect/ingest";
import { createJsonLogger, startProjector } from "@udaconnect/projector";
import { startQueryApi } from "@udaconnect/query-api";
import { createTestDatabase, eventually, type TestDatabase } from "@udaconnect/test-support";

export interface TestPipeline {
  readonly ingestUrl: string;
  readonly queryApiUrl: string;
  readonly database: TestDatabase;
  readonly stop: () => Promise<void>;
}

/** Ingest, projector and query API in this process, with their own topics and database (auth off). */
export async function startTestPipeline(kafkaBrokers: string, databaseUrl: string, topicNamespace: string): Promise<TestPipeline> {
  const database = await createTestDatabase(databaseUrl);
  const ingest = await startIngestServer({ kafkaBrokers, topicNamespace, port: 0, logger: silentLogger });
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
