import type { V1Deployment, V1Job, V1StatefulSet } from "@kubernetes/client-node";
import { jobOutcome } from "../rebuild/job-state";
import { rolloutState } from "../scale/rollout";
import type { ProjectionLag } from "./projection-lag";

export interface WorkloadStatus {
  readonly kind: "Deployment" | "StatefulSet";
  readonly name: string;
  readonly desired: number;
  readonly ready: number;
  readonly upToDate: number;
  readonly state: "ready" | "progressing" | "stalled";
  readonly message: string;
}

export interface JobStatus {
  readonly name: string;
  /** app.kubernetes.io/component: rebuild, migrate, seed … */
  readonly component: string | null;
  readonly outcome: "running" | "succeeded" | "failed";
  readonly reason: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly durationSeconds: number | null;
}

export interface StatusReport {
  readonly namespace: string;
  readonly workloads: readonly WorkloadStatus[];
  readonly jobs: readonly JobStatus[];
  readonly projection: ProjectionLag;
}

export function deploymentStatus(deployment: V1Deployment): WorkloadStatus {
  const state = rolloutState(deployment);
  return {
    kind: "Deployment",
    name: deployment.metadata?.name ?? "?",
    desired: deployment.spec?.replicas ?? 1,
    ready: deployment.status?.readyReplicas ?? 0,
    upToDate: deployment.status?.updatedReplicas ?? 0,
    state: state.kind === "done" ? "ready" : state.kind,
    message: state.message,
  };
}

/** A StatefulSet is rolled out when every replica is ready and on the update revision. */
export function statefulSetStatus(set: V1StatefulSet): WorkloadStatus {
  const desired = set.spec?.replicas ?? 1;
  const status = set.status;
  const ready = status?.readyReplicas ?? 0;
  const upToDate = status?.updatedReplicas ?? (status?.currentRevision === status?.updateRevision ? (status?.currentReplicas ?? 0) : 0);
  const seen = (status?.observedGeneration ?? 0) >= (set.metadata?.generation ?? 0);
  const done = seen && ready === desired && upToDate === desired && (status?.replicas ?? 0) === desired;
  const message = !seen
    ? "waiting for the controller to see the new spec"
    : done
      ? `${ready}/${desired} replicas ready and up to date`
      : `${ready}/${desired} ready, ${upToDate} up to date`;
  return { kind: "StatefulSet", name: set.metadata?.name ?? "?", desired, ready, upToDate, state: done ? "ready" : "progressing", message };
}

export function jobStatus(job: V1Job): JobStatus {
  const outcome = jobOutcome(job);
  const started = job.status?.startTime ?? job.metadata?.creationTimestamp;
  const finished = job.status?.completionTime ?? job.status?.conditions?.find((c) => c.type === "Failed" && c.status === "True")?.lastTransitionTime;
  return {
    name: job.metadata?.name ?? "?",
    component: job.metadata?.labels?.["app.kubernetes.io/component"] ?? null,
    outcome: outcome.kind,
    reason: outcome.kind === "failed" ? outcome.reason : null,
    startedAt: iso(started),
    finishedAt: iso(finished),
    durationSeconds: started !== undefined && finished !== undefined ? Math.round((new Date(finished).getTime() - new Date(started).getTime()) / 1000) : null,
  };
}

export function statusReport(
  namespace: string,
  deployments: readonly V1Deployment[],
  sets: readonly V1StatefulSet[],
  jobs: readonly V1Job[],
  projection: ProjectionLag,
): StatusReport {
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return {
    namespace,
    workloads: [...deployments.map(deploymentStatus).sort(byName), ...sets.map(statefulSetStatus).sort(byName)],
    // Newest first: the history reads from the top.
    jobs: jobs.map(jobStatus).sort((a, b) => (b.startedAt ?? "").localeCompare(a.startedAt ?? "") || byName(a, b)),
    projection,
  };
}

function iso(value: Date | string | undefined): string | null {
  return value === undefined ? null : new Date(value).toISOString();
}
