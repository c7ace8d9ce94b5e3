import type { V1Deployment } from "@kubernetes/client-node";
import { locationsTopic } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import type { CustomObject } from "../kubernetes/cluster";
import { partitionCount } from "./partition-count";
import { rolloutState } from "./rollout";
import { checkProjectorReplicas } from "./scale-rule";

const kafkaTopic = (name: string, spec: Record<string, unknown>): CustomObject => ({
  apiVersion: "kafka.strimzi.io/v1",
  kind: "KafkaTopic",
  metadata: { name, namespace: "kafka" },
  spec,
});

describe("partitionCount", () => {
  it("prefers the KafkaTopic resource, found by spec.topicName or by name", () => {
    expect(partitionCount(locationsTopic, [kafkaTopic("udaconnect.locations.v1", { partitions: 12 })])).toEqual({
      partitions: 12,
      source: "KafkaTopic kafka/udaconnect.locations.v1 spec.partitions",
    });
    expect(partitionCount(locationsTopic, [kafkaTopic("locations", { topicName: "udaconnect.locations.v1", partitions: 9 })]).partitions).toBe(9);
  });

  it("falls back to the schemas, saying why", () => {
    expect(partitionCount(locationsTopic, undefined)).toEqual({ partitions: 6, source: "@udaconnect/schemas (the KafkaTopic CRD is not installed)" });
    expect(partitionCount(locationsTopic, [kafkaTopic("udaconnect.persons.v1", { partitions: 3 })])).toEqual({
      partitions: 6,
      source: "@udaconnect/schemas (no KafkaTopic for udaconnect.locations.v1 with spec.partitions)",
    });
  });
});

describe("checkProjectorReplicas", () => {
  const six = { partitions: 6, source: "@udaconnect/schemas" };
  it("allows up to the partition count, zero included", () => {
    expect(checkProjectorReplicas(6, six)).toEqual({ kind: "allowed" });
    expect(checkProjectorReplicas(0, six)).toEqual({ kind: "allowed" });
  });

  it("refuses one more, naming the count and where it came from", () => {
    const verdict = checkProjectorReplicas(7, six);
    expect(verdict.kind).toBe("refused");
    expect(verdict.kind === "refused" && verdict.message).toMatch(
      /^refusing to scale the projector to 7: the locations topic has 6 partitions \(from @udaconnect\/schemas\)/,
    );
  });
});

describe("rolloutState", () => {
  const deployment = (replicas: number, generation: number, status: V1Deployment["status"]): V1Deployment => ({
    metadata: { generation },
    spec: { replicas, selector: {}, template: {} },
    status,
  });

  it("waits for the controller to see the spec, then for updated, old and available replicas", () => {
    expect(rolloutState(deployment(3, 2, { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }))).toEqual({
      kind: "progressing",
      message: "waiting for the controller to see the new spec",
    });
    expect(rolloutState(deployment(3, 2, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1 }))).toEqual({
      kind: "progressing",
      message: "2 of 3 replicas updated",
    });
    expect(rolloutState(deployment(3, 2, { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }))).toEqual({
      kind: "progressing",
      message: "1 old replicas pending termination",
    });
    expect(rolloutState(deployment(3, 2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }))).toEqual({
      kind: "progressing",
      message: "2 of 3 replicas available",
    });
    expect(rolloutState(deployment(3, 2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }))).toEqual({
      kind: "done",
      message: "3/3 replicas available and up to date",
    });
  });

  it("waits for a scale-down to stop the extra replicas", () => {
    expect(rolloutState(deployment(1, 3, { observedGeneration: 3, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }))).toEqual({
      kind: "progressing",
      message: "2 replicas above 1 still to stop",
    });
    expect(rolloutState(deployment(0, 3, { observedGeneration: 3 }))).toEqual({ kind: "done", message: "0/0 replicas available and up to date" });
  });

  it("reports a rollout past its progress deadline as stalled", () => {
    const stalled = deployment(2, 1, {
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 0,
      conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "p-1" has timed out progressing.' }],
    });
    expect(rolloutState(stalled)).toEqual({
      kind: "stalled",
      message: 'the rollout exceeded its progress deadline: ReplicaSet "p-1" has timed out progressing.',
    });
  });
});
