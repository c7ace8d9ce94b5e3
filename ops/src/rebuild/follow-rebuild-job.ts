import { setTimeout as delay } from "node:timers/promises";
import type { V1Pod } from "@kubernetes/client-node";
import type { Deadline } from "../deadline";
import type { Cluster } from "../kubernetes/cluster";
import type { Reporter } from "../outcome";
import { jobOutcome, newestPod, podProgress, type JobOutcome } from "./job-state";
import { REBUILD_CONTAINER } from "./rebuild-job";
import { LogTail, switchIn, type Switch } from "./rebuild-log";

export interface Followed {
  readonly outcome: JobOutcome;
  readonly pod: V1Pod | undefined;
  readonly switched: Switch | undefined;
  readonly tail: readonly string[];
  /** Why the pod cannot start, when it cannot. */
  readonly stuck?: string;
}

/**
 * Waits for the Job's pod (saying why it has not started), streams its log to the
 * reporter, then waits for the Job's verdict; returns early at the deadline or Ctrl-C.
 */
export async function followRebuildJob(cluster: Cluster, job: string, deadline: Deadline, reporter: Reporter, pollMs: number): Promise<Followed> {
  const selector = `batch.kubernetes.io/job-name=${job}`;
  const log = { tail: new LogTail(), switched: undefined as Switch | undefined };
  let said = "";
  let pod: V1Pod | undefined;
  let logDone = false;
  for (;;) {
    const current = await cluster.getJob(job);
    const outcome = current === undefined ? ({ kind: "failed", reason: "the Job was deleted" } as const) : jobOutcome(current);
    pod = newestPod(await cluster.listPods(selector)) ?? pod;
    const progress = pod === undefined ? undefined : podProgress(pod, REBUILD_CONTAINER);
    const readable = progress?.kind === "started" || progress?.kind === "terminated";
    const followed = { outcome, pod, switched: log.switched, tail: log.tail.last() };
    if (outcome.kind !== "running" && (logDone || !readable)) {
      return followed;
    }
    if (progress?.kind === "stuck") {
      return { ...followed, stuck: progress.detail };
    }
    if (progress?.kind === "waiting" && progress.detail !== said) {
      said = progress.detail;
      reporter.progress(`pod ${pod?.metadata?.name}: ${progress.detail}`);
    }
    if (pod !== undefined && !logDone && readable) {
      logDone = await readLog(cluster, selector, pod.metadata?.name ?? "", log, deadline, reporter);
      if (logDone || (await deadline.pause(pollMs))) continue;
    }
    if (!(await deadline.pause(pollMs))) {
      return { ...followed, switched: log.switched, tail: log.tail.last() };
    }
  }
}

/**
 * Streams the pod's log from where it was; true once everything is read. The stream also
 * ends when the API server closes it early: only a terminated container whose stream ended
 * by itself has said everything (and a log that cannot be read any more is given up).
 */
async function readLog(
  cluster: Cluster,
  selector: string,
  pod: string,
  log: { tail: LogTail; switched: Switch | undefined },
  deadline: Deadline,
  reporter: Reporter,
): Promise<boolean> {
  const stalled = new AbortController();
  const watching = abortWhenEndedButStreaming(cluster, selector, stalled, deadline);
  const since = log.tail.since();
  const streamError = await cluster
    .followLog(
      pod,
      REBUILD_CONTAINER,
      (timestamp, text) => {
        if (!log.tail.accept(timestamp, text)) return;
        reporter.progress(`  ${text}`);
        log.switched = switchIn(text) ?? log.switched;
      },
      { ...(since === undefined ? {} : { sinceTime: since }), signal: AbortSignal.any([deadline.signal, stalled.signal]) },
    )
    .then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
  watching.abort();
  if (streamError !== undefined) reporter.progress(`(the log stream broke: ${streamError}; reading on)`);
  const after = newestPod(await cluster.listPods(selector));
  const ended = after !== undefined && podProgress(after, REBUILD_CONTAINER).kind === "terminated";
  return ended && (!stalled.signal.aborted || streamError !== undefined);
}

/**
 * A log stream whose connection broke does not always end: once the container has ended and
 * the stream has not followed within a few seconds, abort it, so that the caller reads the
 * rest of the log anew (from where it was).
 */
function abortWhenEndedButStreaming(cluster: Cluster, selector: string, stalled: AbortController, deadline: Deadline): AbortController {
  const watching = new AbortController();
  const signal = AbortSignal.any([watching.signal, deadline.signal]);
  void (async () => {
    let endedChecks = 0;
    while (!signal.aborted && endedChecks < 2) {
      await delay(5_000, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const pod = newestPod(await cluster.listPods(selector).catch(() => []));
      endedChecks = pod !== undefined && podProgress(pod, REBUILD_CONTAINER).kind === "terminated" ? endedChecks + 1 : 0;
    }
    if (!signal.aborted) stalled.abort();
  })();
  return watching;
}
