import { setTimeout as delay } from "node:timers/promises";

/**
 * A wait that ends at a deadline or when the operator presses Ctrl-C, whichever
 * comes first. `signal` aborts at either; `why()` tells which.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly at: number;

  constructor(
    timeoutMs: number,
    private readonly interrupt: AbortSignal,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now() + timeoutMs;
    this.signal = AbortSignal.any([interrupt, AbortSignal.timeout(timeoutMs)]);
  }

  why(): "interrupted" | "timed out" | undefined {
    if (this.interrupt.aborted) return "interrupted";
    return this.signal.aborted || this.now() >= this.at ? "timed out" : undefined;
  }

  /** Sleeps up to ms; false when the deadline passed or Ctrl-C came meanwhile. */
  async pause(ms: number): Promise<boolean> {
    await delay(ms, undefined, { signal: this.signal }).catch(() => undefined);
    return this.why() === undefined;
  }
}
