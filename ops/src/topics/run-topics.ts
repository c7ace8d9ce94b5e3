import type { Cluster } from "../kubernetes/cluster";
import type { Outcome, Reporter } from "../outcome";
import { topicNameOf } from "../scale/partition-count";
import { KAFKA_TOPIC, kafkaTopicResources, UDACONNECT_TOPICS } from "./kafka-topic-resources";
import { canApply, describeChange, topicDrift } from "./topic-drift";

export interface TopicsCommand {
  readonly dryRun: boolean;
  readonly kafkaNamespace: string;
  readonly kafkaCluster: string;
}

export const FIELD_MANAGER = "udaconnect-ops";

/** Reports the drift, then applies the desired KafkaTopics (server-side apply) that can be applied. */
export async function runTopics(command: TopicsCommand, { cluster, reporter }: { cluster: Cluster; reporter: Reporter }): Promise<Outcome> {
  if (!(await cluster.serves(KAFKA_TOPIC))) {
    return {
      kind: "failed",
      message: `the API server does not serve kafkatopics.${KAFKA_TOPIC.group}/${KAFKA_TOPIC.version}: install the Strimzi operator (its CRDs) first`,
    };
  }
  const desired = kafkaTopicResources(UDACONNECT_TOPICS, { cluster: command.kafkaCluster, namespace: command.kafkaNamespace });
  const live = await cluster.listCustomObjects(KAFKA_TOPIC, command.kafkaNamespace);
  const changes = topicDrift(desired, live, command.kafkaCluster);
  reporter.result(
    changes.length === 0
      ? "no drift: the KafkaTopics match the schemas"
      : `drift (${changes.length}):\n${changes.map((c) => `  ${describeChange(c)}`).join("\n")}`,
  );
  const blocked = new Set(changes.filter((c) => !canApply(c) && c.kind !== "unknown").map((c) => c.topic));
  for (const resource of desired) {
    if (blocked.has(topicNameOf(resource))) {
      reporter.progress(`not applying KafkaTopic ${resource.metadata.name}: its drift cannot be fixed by applying`);
      continue;
    }
    await cluster.applyCustomObject(KAFKA_TOPIC, resource, { fieldManager: FIELD_MANAGER, dryRun: command.dryRun });
    reporter.progress(`${command.dryRun ? "validated (dry run)" : "applied"} KafkaTopic ${command.kafkaNamespace}/${resource.metadata.name}`);
  }
  if (blocked.size > 0) {
    return { kind: "failed", message: `drift that applying cannot fix in ${[...blocked].join(", ")}: see above` };
  }
  reporter.result(
    command.dryRun
      ? `dry run: ${desired.length} KafkaTopics validated by the API server, nothing changed`
      : `applied ${desired.length} KafkaTopics (field manager ${FIELD_MANAGER})`,
  );
  return { kind: "ok" };
}
