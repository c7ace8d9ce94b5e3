import { expect, inject } from "vitest";
import { locationsTopic, personsTopic, topicName } from "@udaconnect/schemas";
import { createTopics, eventually, uniqueNamespace } from "@udaconnect/test-support";
import { testWithReadModels } from "@udaconnect/test-support/fixtures";
import { startProjector, type Projector, type ProjectorOptions } from "../src/index";
import { endOffsets, type PartitionOffset } from "./kafka-fixtures";
import { collectingLogger, type LogLine } from "./log-lines";
import { readCheckpointRows } from "./read-model";
import { projectorOptions } from "./projector-options";

/** A topic namespace of the test's own, its persons and locations topics created. */
export interface ProjectorTopics {
  readonly namespace: string;
  readonly persons: string;
  readonly locations: string;
}

/** Projectors on the test's database and topics. */
export interface Projectors {
  /** Starts one (group `projector-<namespace>` unless options say otherwise), logging to `lines`. */
  start(options?: Partial<Omit<ProjectorOptions, "kafkaBrokers" | "databaseUrl" | "topicNamespace" | "logger">>): Promise<StartedProjector>;
  /** Stops one before the test ends (it is not stopped again after the test). */
  stop(projector: Projector): Promise<void>;
  /** Waits until the checkpoints stand at the end of both topics; returns those ends. */
  caughtUp(timeoutMs?: number): Promise<PartitionOffset[]>;
}

export interface StartedProjector {
  readonly projector: Projector;
  readonly lines: LogLine[];
  readonly groupId: string;
}

/**
 * A test with `readModels` (a fresh database), `topics` (a namespace of its own with the topics
 * created) and `projectors` (started on both when the test asks). Each is made when a test names
 * it; every projector still running is stopped, then the database dropped, after the test
 * whether it passed or not.
 */
export const projectorTest = testWithReadModels().extend<{ topics: ProjectorTopics; projectors: Projectors }>({
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  topics: async ({}, use) => {
    const namespace = uniqueNamespace();
    await createTopics(inject("kafkaBrokers"), namespace);
    await use({ namespace, persons: topicName(personsTopic, namespace), locations: topicName(locationsTopic, namespace) });
  },
  projectors: async ({ readModels, topics }, use) => {
    const brokers = inject("kafkaBrokers");
    const running: Projector[] = [];
    try {
      await use({
        start: async (options = {}) => {
          const { logger, lines } = collectingLogger();
          const groupId = options.groupId ?? `projector-${topics.namespace}`;
          const projector = await startProjector(
            projectorOptions({
              ...options,
              kafkaBrokers: brokers,
              databaseUrl: readModels.url,
              topicNamespace: topics.namespace,
              groupId,
              logger,
            }),
          );
          running.push(projector);
          return { projector, lines, groupId };
        },
        stop: async (projector) => {
          const index = running.indexOf(projector);
          if (index !== -1) running.splice(index, 1);
          await projector.stop();
        },
        caughtUp: async (timeoutMs = 20_000) => {
          const end = await endOffsets(brokers, [topics.persons, topics.locations]);
          await eventually(async () => expect(await readCheckpointRows(readModels.db)).toEqual(end), { timeoutMs });
          return end;
        },
      });
    } finally {
      await Promise.all(running.map((projector) => projector.stop()));
    }
  },
});
