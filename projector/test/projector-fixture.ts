import { afterEach, beforeEach, expect, inject } from "vitest";
import { locationsTopic, personsTopic, topicName } from "@udaconnect/schemas";
import { createTestDatabase, createTopics, eventually, uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";
import { startProjector, type Projector } from "../src/index";
import { endOffsets, type PartitionOffset } from "./kafka-fixtures";
import { collectingLogger } from "./log-lines";
import { readCheckpointRows } from "./read-model";

/**
 * What a projector test runs against: a fresh database and topic namespace for every test (see
 * useProjectorFixture), and the projectors the test starts, stopped after it.
 */
export class ProjectorFixture {
  readonly brokers = inject("kafkaBrokers");
  #database: TestDatabase | undefined;
  #namespace: string | undefined;
  readonly #running: Projector[] = [];

  get database(): TestDatabase {
    return present(this.#database);
  }

  get namespace(): string {
    return present(this.#namespace);
  }

  get persons(): string {
    return topicName(personsTopic, this.namespace);
  }

  get locations(): string {
    return topicName(locationsTopic, this.namespace);
  }

  async setUp(): Promise<void> {
    this.#database = await createTestDatabase(inject("databaseUrl"));
    this.#namespace = uniqueNamespace();
    await createTopics(this.brokers, this.#namespace);
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.#running.splice(0).map((p) => p.stop()));
    await this.#database?.drop();
  }

  /** Starts a projector on this test's database and topics; it is stopped after the test. */
  async start(groupId = `projector-${this.namespace}`) {
    const { logger, lines } = collectingLogger();
    const projector = await startProjector({ kafkaBrokers: this.brokers, databaseUrl: this.database.url, topicNamespace: this.namespace, groupId, logger });
    this.#running.push(projector);
    return { projector, lines, groupId };
  }

  /** A projector the test stops itself: not stopped again after it. */
  forget(projector: Projector): void {
    this.#running.splice(this.#running.indexOf(projector), 1);
  }

  /** Waits until the checkpoints stand at the end of both topics; returns those ends. */
  async caughtUp(timeoutMs = 20_000): Promise<PartitionOffset[]> {
    const end = await endOffsets(this.brokers, [this.persons, this.locations]);
    await eventually(async () => expect(await readCheckpointRows(this.database.db)).toEqual(end), { timeoutMs });
    return end;
  }
}

/** A ProjectorFixture set up before and torn down after every test of the file. */
export function useProjectorFixture(): ProjectorFixture {
  const fixture = new ProjectorFixture();
  beforeEach(() => fixture.setUp());
  afterEach(() => fixture.tearDown());
  return fixture;
}

function present<T>(value: T | undefined): T {
  if (value === undefined) {
    throw new Error("the projector fixture is used outside a test");
  }
  return value;
}
