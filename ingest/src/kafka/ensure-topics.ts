import { setTimeout as sleep } from "node:timers/promises";
import { GenericError, MultipleErrors, type Admin } from "@platformatic/kafka";
import { allTopics, topicName, type TopicSpec } from "@udaconnect/schemas";
import { reconcileRetention, type RetentionChange } from "@udaconnect/kafka-connection";

/**
 * Creates the UdaConnect topics of `namespace` that do not exist yet (the
 * brokers have auto-creation off), or with `create` false only checks that
 * they exist with at least their partitions (in Kubernetes the topics are
 * Strimzi KafkaTopic resources, and ingest's KafkaUser has no Create ACL).
 * Topics that exist are left as they are, even with other settings (changing
 * a live topic is an operator's decision), except for retention.ms, which
 * follows LOCATION_RETENTION when `create` is true (docs/decisions/0008).
 */
export async function ensureTopics(admin: Admin, namespace: string, create = true, options: EnsureTopicsOptions = {}): Promise<PartitionCounts> {
  const specs = options.topics ?? allTopics;
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(topicName(spec, namespace)));
  if (missing.length > 0 && create) {
    await createMissing(admin, missing, namespace);
  }
  if (create) {
    const declared = new Map(specs.filter((spec) => !missing.includes(spec)).map((spec) => [topicName(spec, namespace), spec.retentionMs]));
    for (const change of await reconcileRetention(admin, declared)) {
      options.onRetentionChanged?.(change);
    }
  }
  const present = create ? specs : specs.filter((spec) => !missing.includes(spec));
  const counts = await partitionCounts(
    admin,
    present.map((spec) => topicName(spec, namespace)),
  );
  if (!create) {
    requireEnoughPartitions(missing, present, counts, namespace);
  }
  return counts;
}

export interface EnsureTopicsOptions {
  /** The topics with their declared retention (eventTopics of LOCATION_RETENTION); allTopics by default. */
  readonly topics?: readonly TopicSpec[];
  /** Hears each existing topic whose retention.ms was set to the declared value. */
  readonly onRetentionChanged?: (change: RetentionChange) => void;
}

/** The gateway was told not to create topics (INGEST_CREATE_TOPICS=false) and some are missing or have too few partitions. */
export class TopicsNotReadyError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Kafka topics are not ready: ${problems.join("; ")}. INGEST_CREATE_TOPICS=false leaves creating them to the ` +
        "deployment: apply the KafkaTopic resources (infra/k8s) or create the topics, and the gateway becomes ready by itself.",
    );
    this.name = "TopicsNotReadyError";
  }
}

function requireEnoughPartitions(missing: readonly TopicSpec[], present: readonly TopicSpec[], counts: PartitionCounts, namespace: string): void {
  const problems = missing.map((spec) => `${topicName(spec, namespace)} does not exist (needs ${spec.partitions} partitions)`);
  for (const spec of present) {
    const name = topicName(spec, namespace);
    const count = counts.get(name) ?? 0;
    if (count < spec.partitions) {
      problems.push(`${name} has ${count} partitions, fewer than the ${spec.partitions} it is declared with`);
    }
  }
  if (problems.length > 0) {
    throw new TopicsNotReadyError(problems);
  }
}

/** Partitions of each topic by name: the gateway picks partitions itself so it can tell each write's offsets. */
export type PartitionCounts = ReadonlyMap<string, number>;

async function partitionCounts(admin: Admin, names: readonly string[]): Promise<PartitionCounts> {
  if (names.length === 0) {
    return new Map();
  }
  const { topics } = await admin.metadata({ topics: [...names], forceUpdate: true });
  return new Map(names.map((name) => [name, topics.get(name)?.partitionsCount ?? 0]));
}

async function createMissing(admin: Admin, missing: readonly TopicSpec[], namespace: string): Promise<void> {
  const { brokers } = await admin.metadata({ topics: [] });
  // acks=all is only as durable as the in-sync replicas: three copies, two
  // of which must have a record before it counts, where brokers allow it.
  const replicas = Math.min(3, brokers.size);
  const minInSyncReplicas = Math.max(1, replicas - 1);
  // One request per topic: CreateTopics of this client takes one partition count for all the topics it names.
  for (const spec of missing) {
    await admin
      .createTopics({
        topics: [topicName(spec, namespace)],
        partitions: spec.partitions,
        replicas,
        configs: [
          { name: "min.insync.replicas", value: String(minInSyncReplicas) },
          { name: "retention.ms", value: String(spec.retentionMs) },
        ],
      })
      .catch(unlessAlreadyExists);
  }
  await waitForLeaders(
    admin,
    missing.map((spec) => topicName(spec, namespace)),
  );
}

/** Another gateway starting at the same time may have created the topic since it was listed. */
function unlessAlreadyExists(error: unknown): void {
  const id = "TOPIC_ALREADY_EXISTS";
  const found = error instanceof MultipleErrors ? error.findBy("apiId", id) : error instanceof GenericError ? error.findBy("apiId", id) : null;
  if (found === null) {
    throw error;
  }
}

const LEADERS_WITHIN_MS = 30_000;

/** A created topic takes sends once each partition has a leader; until then the producer would only retry. */
async function waitForLeaders(admin: Admin, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + LEADERS_WITHIN_MS;
  for (;;) {
    // Right after the creation a broker may not know the topic yet: asked again until the deadline.
    const leaderless = await admin.metadata({ topics: [...names], forceUpdate: true }).then(
      ({ topics }) => names.filter((name) => topics.get(name)?.partitions.some((p) => p.leader < 0) ?? true),
      (error: unknown) => {
        if (Date.now() > deadline) throw error;
        return names;
      },
    );
    if (leaderless.length === 0) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`the new topics ${leaderless.join(", ")} have no leader for every partition after ${LEADERS_WITHIN_MS / 1000} s`);
    }
    await sleep(100);
  }
}
