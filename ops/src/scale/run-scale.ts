import { locationsTopic } from "@udaconnect/schemas";
import type { Scalable } from "../cli/parse-args";
import { formatDuration } from "../cli/duration";
import { Deadline } from "../deadline";
import type { Cluster } from "../kubernetes/cluster";
import type { Outcome, Reporter } from "../outcome";
import { KAFKA_TOPIC } from "../topics/kafka-topic-resources";
import { partitionCount } from "./partition-count";
import { rolloutState } from "./rollout";
import { checkProjectorReplicas } from "./scale-rule";

export interface ScaleCommand {
  readonly target: Scalable;
  readonly replicas: number;
  readonly timeoutMs: number;
  readonly kafkaNamespace: string;
}

export interface ScaleDeps {
  readonly cluster: Cluster;
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  readonly pollMs?: number;
}

/** Checks the count (the projector against the partitions), sets it and waits for the rollout. */
export async function runScale(command: ScaleCommand, { cluster, reporter, signal, pollMs = 1_000 }: ScaleDeps): Promise<Outcome> {
  if (command.target === "projector") {
    const kafkaTopics = (await cluster.serves(KAFKA_TOPIC)) ? await cluster.listCustomObjects(KAFKA_TOPIC, command.kafkaNamespace) : undefined;
    const count = partitionCount(locationsTopic, kafkaTopics);
    reporter.progress(`${locationsTopic.name} has ${count.partitions} partitions (from ${count.source})`);
    const verdict = checkProjectorReplicas(command.replicas, count);
    if (verdict.kind === "refused") {
      return { kind: "refused", message: verdict.message };
    }
  }
  const deployment = await cluster.getDeployment(command.target);
  if (deployment === undefined) {
    return { kind: "failed", message: `no Deployment ${command.target} in namespace ${cluster.namespace}: is UdaConnect deployed there? (--namespace)` };
  }
  const before = deployment.spec?.replicas ?? 1;
  await cluster.scaleDeployment(command.target, command.replicas);
  reporter.progress(`${command.target}: replicas ${before} → ${command.replicas}; waiting for the rollout`);
  const deadline = new Deadline(command.timeoutMs, signal);
  let said = "";
  for (;;) {
    const current = await cluster.getDeployment(command.target);
    if (current === undefined) {
      return { kind: "failed", message: `Deployment ${command.target} disappeared while scaling` };
    }
    const state = rolloutState(current);
    if (state.kind === "done") {
      reporter.result(`${command.target}: ${state.message}`);
      return { kind: "ok" };
    }
    if (state.kind === "stalled") {
      return { kind: "failed", message: `${command.target}: ${state.message}; see 'kubectl describe deployment ${command.target} -n ${cluster.namespace}'` };
    }
    if (state.message !== said) {
      said = state.message;
      reporter.progress(`${command.target}: ${state.message}`);
    }
    if (!(await deadline.pause(pollMs))) {
      return deadline.why() === "interrupted"
        ? { kind: "interrupted", message: `stopped waiting; ${command.target} is set to ${command.replicas} replicas and keeps rolling out (${state.message})` }
        : {
            kind: "failed",
            message: `${command.target} did not finish its rollout within ${formatDuration(command.timeoutMs)} (${state.message}); see 'kubectl describe deployment ${command.target} -n ${cluster.namespace}' and its pods' events`,
          };
    }
  }
}
