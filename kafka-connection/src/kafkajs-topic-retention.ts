import kafkajs, { type Admin } from "kafkajs";

// kafkajs is CommonJS, and Node's ESM loader sees none of its exports listed after
// `CompressionTypes: Compression.Types`: a named import of these fails when the service starts.
const { ConfigResourceTypes, ConfigSource } = kafkajs;

/**
 * reconcileRetention through a kafkajs admin, for the projector until it moves to
 * @platformatic/kafka (then this file goes). kafkajs has only the legacy
 * AlterConfigs, which replaces a topic's whole set of overrides: the other
 * overrides (min.insync.replicas) are sent back unchanged with it, or the broker
 * would reset them to its defaults.
 */
export async function reconcileRetentionKafkaJs(admin: Admin, declared: ReadonlyMap<string, number>): Promise<{ topic: string; from: string; to: string }[]> {
  if (declared.size === 0) {
    return [];
  }
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [...declared.keys()].map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
  });
  const changes: { topic: string; from: string; to: string }[] = [];
  for (const resource of resources) {
    const wanted = String(declared.get(resource.resourceName));
    const current = resource.configEntries.find((e) => e.configName === "retention.ms")?.configValue ?? "";
    if (current === wanted) {
      continue;
    }
    const overrides = resource.configEntries
      .filter((e) => e.configSource === ConfigSource.TOPIC_CONFIG && !e.isSensitive && e.configName !== "retention.ms")
      .map((e) => ({ name: e.configName, value: e.configValue }));
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: resource.resourceName, configEntries: [...overrides, { name: "retention.ms", value: wanted }] }],
    });
    changes.push({ topic: resource.resourceName, from: current, to: wanted });
  }
  return changes;
}
