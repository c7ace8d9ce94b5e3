import { Admin } from "@platformatic/kafka";
import {
  describeKafkaError,
  platformaticConnectionOptions,
  readEndOffsets,
  type KafkaConnection,
  type PlatformaticConnectionOptions,
} from "@udaconnect/kafka-connection";

/** Where the brokers are and how to reach them (TLS, SASL). */
export interface KafkaAddress {
  /** Comma-separated host:port list. */
  readonly brokers: string;
  /** PLAINTEXT when absent. */
  readonly connection?: KafkaConnection;
}

/** What every @platformatic/kafka client of the projector is given to reach the brokers. */
export function clientOptions({ brokers, connection }: KafkaAddress, clientId: string): PlatformaticConnectionOptions {
  return platformaticConnectionOptions(brokers, clientId, connection);
}

/** Runs `work` with an admin client, closed afterwards. */
export async function withAdmin<T>(address: KafkaAddress, clientId: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Admin(clientOptions(address, clientId));
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

/** Raised when the projector is started before its topics exist. */
export class MissingTopicsError extends Error {
  constructor(readonly topics: readonly string[]) {
    super(
      `Kafka topics do not exist: ${topics.join(", ")}. They are created by the ingest gateway or by the ` +
        "deployment (KafkaTopic resources; auto-creation is disabled); create them, then start the projector again.",
    );
    this.name = "MissingTopicsError";
  }
}

/** Fails with MissingTopicsError naming every topic that does not exist. */
export async function requireTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw new MissingTopicsError(missing);
  }
}

/** Sum of the end offsets of every partition of `topics`: the records a rebuild must read. */
export async function endOffsetSum(admin: Admin, topics: readonly string[]): Promise<bigint> {
  return (await readEndOffsets(admin, topics)).reduce((total, p) => total + p.endOffset, 0n);
}

/**
 * Deletes a consumer group nobody is in any more (a finished rebuild's), so groups do not
 * pile up in Kafka with one per generation. Kafka refuses while members remain.
 */
export async function deleteConsumerGroup(admin: Admin, groupId: string): Promise<void> {
  await admin.deleteGroups({ groups: [groupId] });
}

/** True when Kafka answered with this error (e.g. "TOPIC_ALREADY_EXISTS") somewhere in the client's error chain. */
export function hasApiError(error: unknown, apiId: string): boolean {
  const findBy = (error as { findBy?: (property: string, value: unknown) => unknown } | null)?.findBy;
  return typeof findBy === "function" && Boolean(findBy.call(error, "apiId", apiId));
}

/**
 * The error a start-up failure of the Kafka client is reported with: the reason its nested
 * errors hold ("metadata failed 4 times: … SASL authentication failed (the broker refused the
 * credentials …)") in one message; MissingTopicsError as it is.
 */
export function startError(error: unknown): Error {
  return error instanceof MissingTopicsError ? error : new Error(`Kafka: ${describeKafkaError(error)}`, { cause: error });
}
