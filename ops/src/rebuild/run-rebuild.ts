import type { V1Deployment } from "@kubernetes/client-node";
import { formatDuration } from "../cli/duration";
import { Deadline } from "../deadline";
import type { Cluster } from "../kubernetes/cluster";
import type { Outcome, Reporter } from "../outcome";
import { followRebuildJob, type Followed } from "./follow-rebuild-job";
import { jobOutcome, podProgress } from "./job-state";
import { PROJECTOR_DEPLOYMENT, REBUILD_CONTAINER, REBUILD_SELECTOR, rebuildJobFrom } from "./rebuild-job";
import { REBUILD_LOCKED_EXIT_CODE } from "./rebuild-log";

export interface RebuildCommand {
  readonly graceSeconds: number;
  readonly timeoutMs: number;
}

export interface RebuildDeps {
  readonly cluster: Cluster;
  readonly reporter: Reporter;
  readonly signal: AbortSignal;
  readonly now?: () => Date;
  readonly pollMs?: number;
}

/** Creates the rebuild Job, follows it to its end and reports the switch or the failure. */
export async function runRebuild(command: RebuildCommand, deps: RebuildDeps): Promise<Outcome> {
  const { cluster, reporter } = deps;
  const deployment = await findProjector(cluster);
  if (deployment === undefined) {
    return { kind: "failed", message: `no projector Deployment in namespace ${cluster.namespace}: is UdaConnect deployed there? (--namespace)` };
  }
  const active = (await cluster.listJobs(REBUILD_SELECTOR)).filter((job) => jobOutcome(job).kind === "running");
  if (active.length > 0) {
    const names = active.map((job) => job.metadata?.name ?? "?").join(", ");
    return {
      kind: "refused",
      message: `a rebuild is already running (Job ${names}): follow it with 'kubectl logs -f job/${active[0]?.metadata?.name} -n ${cluster.namespace}' or 'scripts/ops status', and start another after it ends`,
    };
  }
  const spec = rebuildJobFrom(deployment, { graceSeconds: command.graceSeconds, now: (deps.now ?? (() => new Date()))() });
  if (spec.kind === "unusable") {
    return { kind: "failed", message: `cannot make a rebuild Job: ${spec.reason}` };
  }
  const job = await cluster.createJob(spec.job);
  const name = job.metadata?.name ?? "?";
  reporter.progress(`created Job ${name} (image ${spec.job.spec?.template.spec?.containers[0]?.image}, grace period ${command.graceSeconds}s)`);
  const deadline = new Deadline(command.timeoutMs, deps.signal);
  const followed = await followRebuildJob(cluster, name, deadline, reporter, deps.pollMs ?? 1_000);
  return conclude(cluster, name, followed, deadline, command, reporter);
}

async function findProjector(cluster: Cluster): Promise<V1Deployment | undefined> {
  return (await cluster.getDeployment(PROJECTOR_DEPLOYMENT)) ?? (await cluster.listDeployments("app.kubernetes.io/name=projector"))[0];
}

async function conclude(cluster: Cluster, job: string, followed: Followed, deadline: Deadline, command: RebuildCommand, reporter: Reporter): Promise<Outcome> {
  const ns = cluster.namespace;
  const podName = followed.pod?.metadata?.name;
  const lastLines = followed.tail.length === 0 ? "" : `\nlast log lines:\n${followed.tail.map((l) => `  ${l}`).join("\n")}`;
  if (followed.stuck !== undefined) {
    return {
      kind: "failed",
      message: `the rebuild pod ${podName} cannot start: ${followed.stuck}. Fix the projector Deployment (image, Secrets), then delete Job ${job} ('kubectl delete job ${job} -n ${ns}') and run ops rebuild again`,
    };
  }
  if (followed.outcome.kind === "running") {
    const why = deadline.why() ?? "timed out";
    const continues = `Job ${job} continues: 'scripts/ops status -n ${ns}' or 'kubectl logs -f job/${job} -n ${ns}'`;
    return why === "interrupted"
      ? { kind: "interrupted", message: `stopped following; ${continues}` }
      : { kind: "failed", message: `still running after ${formatDuration(command.timeoutMs)} (--timeout); ${continues}` };
  }
  if (followed.outcome.kind === "failed") {
    const exit = followed.pod === undefined ? undefined : podProgress(followed.pod, REBUILD_CONTAINER);
    if (exit?.kind === "terminated" && exit.exitCode === REBUILD_LOCKED_EXIT_CODE) {
      return {
        kind: "refused",
        message: `Job ${job}: another rebuild holds the rebuild lock in PostgreSQL (started outside ops?); wait for it to end${lastLines}`,
      };
    }
    const detail = exit?.kind === "terminated" ? exit.detail : followed.outcome.reason;
    const kept = podName === undefined ? "" : `; pod ${podName} is kept for 'kubectl logs ${podName} -n ${ns}' until the Job expires`;
    return { kind: "failed", message: `rebuild Job ${job} failed: ${detail} (${followed.outcome.reason})${kept}${lastLines}` };
  }
  const s = followed.switched;
  if (s === undefined) {
    reporter.result(`rebuild Job ${job} completed (exit 0), but its log did not show the switch line: read it with 'kubectl logs job/${job} -n ${ns}'`);
    return { kind: "ok" };
  }
  for (const pod of await cluster.listPods(`batch.kubernetes.io/job-name=${job}`)) {
    await cluster.deletePod(pod.metadata?.name ?? "");
  }
  reporter.progress(`deleted the finished pod of Job ${job}; the Job stays as history for 7 days`);
  reporter.result(`rebuild Job ${job}: switched to generation ${s.generation}${s.retired === undefined ? "" : `; generation ${s.retired} retired`}`);
  return { kind: "ok" };
}
