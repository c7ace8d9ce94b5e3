import type { LogPosition } from "@udaconnect/schemas";

/** Whether the read model has projected every one of these positions. */
export type PositionsCovered = (positions: readonly LogPosition[]) => Promise<boolean>;

export interface WaitOptions {
  readonly waitMs: number;
  readonly pollMs?: number;
  /** Ports, so tests can drive time. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls until the projection covers `positions` or `waitMs` has passed. A read must never
 * present stale data as current, so the caller answers "timed-out" with a 503.
 */
export async function waitForPositions(covered: PositionsCovered, positions: readonly LogPosition[], options: WaitOptions): Promise<"covered" | "timed-out"> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const deadline = now() + options.waitMs;
  for (;;) {
    if (await covered(positions)) {
      return "covered";
    }
    const left = deadline - now();
    if (left <= 0) {
      return "timed-out";
    }
    await sleep(Math.min(options.pollMs ?? 50, left));
  }
}
