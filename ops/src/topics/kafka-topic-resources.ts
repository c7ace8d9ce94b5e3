import { allTopics, deadLetterTopic, type TopicSpec } from "@udaconnect/schemas";
import type { CustomObject, CustomResourceRef } from "../kubernetes/cluster";

export const KAFKA_TOPIC: CustomResourceRef = Object.freeze({ group: "kafka.strimzi.io", version: "v1", plural: "kafkatopics" });

/** Every topic UdaConnect needs in a cluster: the event topics and the projector's dead letters. */
export const UDACONNECT_TOPICS: readonly TopicSpec[] = Object.freeze([...allTopics, deadLetterTopic]);

export interface KafkaTopicOptions {
  /** The Strimzi `Kafka` resource's name (label strimzi.io/cluster). */
  readonly cluster: string;
  /** Omitted: the resources take the namespace they are applied to (kustomize). */
  readonly namespace?: string;
}

/**
 * The KafkaTopic resources (kafka.strimzi.io/v1) of the schemas' topics: the one
 * source of truth for both the generated infra/k8s YAML and `ops topics`. Replicas
 * are left to the broker's default.replication.factor, so that one definition fits a
 * one-broker test cluster and a three-broker production one.
 */
export function kafkaTopicResources(topics: readonly TopicSpec[], options: KafkaTopicOptions): CustomObject[] {
  return topics.map((topic) => ({
    apiVersion: `${KAFKA_TOPIC.group}/${KAFKA_TOPIC.version}`,
    kind: "KafkaTopic",
    metadata: {
      name: topic.name,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      labels: { "strimzi.io/cluster": options.cluster, "app.kubernetes.io/part-of": "udaconnect" },
    },
    spec: {
      partitions: topic.partitions,
      config: { "retention.ms": topic.retentionMs },
    },
  }));
}
