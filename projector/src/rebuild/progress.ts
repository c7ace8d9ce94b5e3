/** One progress sample: how far the candidate generation is, at a moment. */
export interface ProgressSample {
  readonly atMs: number;
  /** Sum of the candidate's checkpoints (records consumed). */
  readonly consumed: bigint;
  /** Sum of the partitions' end offsets (records to consume). */
  readonly end: bigint;
}

export interface Progress {
  readonly consumed: bigint;
  readonly end: bigint;
  readonly lag: bigint;
  readonly eventsPerSecond: number;
  /** undefined while nothing moves. */
  readonly etaSeconds: number | undefined;
}

/** Rate over the last two samples; the ETA assumes the rate holds. */
export function progressOf(previous: ProgressSample | undefined, current: ProgressSample): Progress {
  const lag = current.end > current.consumed ? current.end - current.consumed : 0n;
  const seconds = previous === undefined ? 0 : (current.atMs - previous.atMs) / 1000;
  const eventsPerSecond = previous === undefined || seconds <= 0 ? 0 : Number(current.consumed - previous.consumed) / seconds;
  const etaSeconds = lag === 0n ? 0 : eventsPerSecond > 0 ? Number(lag) / eventsPerSecond : undefined;
  return { consumed: current.consumed, end: current.end, lag, eventsPerSecond, etaSeconds };
}

export function formatProgress(generation: number, p: Progress): string {
  const eta = p.etaSeconds === undefined ? "unknown" : `${Math.ceil(p.etaSeconds)}s`;
  return `rebuild: generation ${generation}: ${p.consumed}/${p.end} records, ${Math.round(p.eventsPerSecond)} events/s, lag ${p.lag}, ETA ${eta}`;
}
