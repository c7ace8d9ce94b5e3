import { ConfigResourceTypes, IncrementalAlterConfigOperationTypes, type Admin } from "@platformatic/kafka";

/** A topic whose retention.ms was changed to the declared one. */
export interface RetentionChange {
  readonly topic: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Sets `retention.ms` of each existing topic to the declared value where it
 * differs (LOCATION_RETENTION changed since the topic was created), and returns
 * what changed. IncrementalAlterConfigs sets that one entry: the topic's other
 * overrides (min.insync.replicas) stay as they are.
 */
export async function reconcileRetention(admin: Admin, declared: ReadonlyMap<string, number>): Promise<RetentionChange[]> {
  if (declared.size === 0) {
    return [];
  }
  const described = await admin.describeConfigs({
    resources: [...declared.keys()].map((name) => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: ["retention.ms"] })),
  });
  const changes: RetentionChange[] = [];
  for (const { resourceName, configs } of described) {
    const wanted = String(declared.get(resourceName));
    const current = configs.find((c) => c.name === "retention.ms")?.value ?? "";
    if (current === wanted) {
      continue;
    }
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName,
          configs: [{ name: "retention.ms", configOperation: IncrementalAlterConfigOperationTypes.SET, value: wanted }],
        },
      ],
    });
    changes.push({ topic: resourceName, from: current, to: wanted });
  }
  return changes;
}
