import type { V1Deployment } from "@kubernetes/client-node";

export type RolloutState =
  | { readonly kind: "progressing"; readonly message: string }
  | { readonly kind: "done"; readonly message: string }
  | { readonly kind: "stalled"; readonly message: string };

/**
 * Where a Deployment's rollout is, as `kubectl rollout status` judges it: the controller
 * has seen the latest spec (observedGeneration), every replica runs the current template
 * (updatedReplicas), no old one is left, and all are available.
 */
export function rolloutState(deployment: V1Deployment): RolloutState {
  const wanted = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < (deployment.metadata?.generation ?? 0)) {
    return { kind: "progressing", message: "waiting for the controller to see the new spec" };
  }
  const progressing = status.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return { kind: "stalled", message: `the rollout exceeded its progress deadline: ${progressing.message ?? ""}`.trim() };
  }
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < wanted) {
    return { kind: "progressing", message: `${updated} of ${wanted} replicas updated` };
  }
  if (replicas > updated) {
    return { kind: "progressing", message: `${replicas - updated} old replicas pending termination` };
  }
  if (replicas > wanted) {
    return { kind: "progressing", message: `${replicas - wanted} replicas above ${wanted} still to stop` };
  }
  if (available < wanted) {
    return { kind: "progressing", message: `${available} of ${wanted} replicas available` };
  }
  return { kind: "done", message: `${available}/${wanted} replicas available and up to date` };
}
