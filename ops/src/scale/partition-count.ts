import type { TopicSpec } from "@udaconnect/schemas";
import type { CustomObject } from "../kubernetes/cluster";

export interface PartitionCount {
  readonly partitions: number;
  /** Where the number came from, said to the operator. */
  readonly source: string;
}

/**
 * The topic's partitions: from its KafkaTopic resource (what Strimzi enforces in the
 * cluster) when there is one, else from the schemas (what the topic is created with).
 */
export function partitionCount(topic: TopicSpec, kafkaTopics: readonly CustomObject[] | undefined): PartitionCount {
  const resource = kafkaTopics?.find((t) => topicNameOf(t) === topic.name);
  const partitions = resource?.spec?.partitions;
  if (resource !== undefined && typeof partitions === "number") {
    return { partitions, source: `KafkaTopic ${resource.metadata.namespace ?? ""}/${resource.metadata.name} spec.partitions` };
  }
  const why = kafkaTopics === undefined ? "the KafkaTopic CRD is not installed" : `no KafkaTopic for ${topic.name} with spec.partitions`;
  return { partitions: topic.partitions, source: `@udaconnect/schemas (${why})` };
}

/** Strimzi's topic name: spec.topicName when set, else the resource's name. */
export function topicNameOf(resource: CustomObject): string {
  const name = resource.spec?.topicName;
  return typeof name === "string" && name !== "" ? name : resource.metadata.name;
}
