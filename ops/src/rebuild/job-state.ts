import type { V1Job, V1Pod } from "@kubernetes/client-node";

export type JobOutcome = { readonly kind: "running" } | { readonly kind: "succeeded" } | { readonly kind: "failed"; readonly reason: string };

/** Complete or Failed once the Job controller says so; running until then. */
export function jobOutcome(job: V1Job): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  if (conditions.some((c) => c.type === "Complete" && c.status === "True")) {
    return { kind: "succeeded" };
  }
  const failed = conditions.find((c) => c.type === "Failed" && c.status === "True");
  if (failed !== undefined) {
    return { kind: "failed", reason: [failed.reason, failed.message].filter((s) => s !== undefined && s !== "").join(": ") || "failed" };
  }
  return { kind: "running" };
}

export type PodProgress =
  | { readonly kind: "waiting"; readonly detail: string }
  /** The container cannot start and will not by itself (a bad image name, a missing Secret). */
  | { readonly kind: "stuck"; readonly detail: string }
  | { readonly kind: "started" }
  | { readonly kind: "terminated"; readonly exitCode: number; readonly detail: string };

const HOPELESS = new Set(["ErrImageNeverPull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

/** Where a rebuild pod is: not started yet (and why), started (its log can be read), or ended. */
export function podProgress(pod: V1Pod, container: string): PodProgress {
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  const terminated = status?.state?.terminated;
  if (terminated !== undefined) {
    const detail = [terminated.reason, terminated.message?.trim()].filter((s) => s !== undefined && s !== "").join(": ");
    return { kind: "terminated", exitCode: terminated.exitCode, detail: `exit code ${terminated.exitCode}${detail === "" ? "" : ` (${detail})`}` };
  }
  if (status?.state?.running !== undefined) {
    return { kind: "started" };
  }
  const waiting = status?.state?.waiting;
  if (waiting?.reason !== undefined) {
    const detail = `${waiting.reason}${waiting.message === undefined ? "" : `: ${waiting.message}`}`;
    return HOPELESS.has(waiting.reason) ? { kind: "stuck", detail } : { kind: "waiting", detail };
  }
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled !== undefined) {
    return { kind: "waiting", detail: `not scheduled (${unscheduled.reason ?? "?"}${unscheduled.message === undefined ? "" : `: ${unscheduled.message}`})` };
  }
  return { kind: "waiting", detail: pod.status?.phase ?? "Pending" };
}

/** The newest pod of a Job (there is one: backoffLimit 0), by creation time. */
export function newestPod(pods: readonly V1Pod[]): V1Pod | undefined {
  return [...pods].sort((a, b) => time(b.metadata?.creationTimestamp) - time(a.metadata?.creationTimestamp))[0];
}

function time(value: Date | string | undefined): number {
  return value === undefined ? 0 : new Date(value).getTime();
}
