/** What a run has started, stopped in reverse order by whoever ends the run (a failure, Ctrl-C, the end). */
export class CleanupStack {
  readonly #steps: (() => Promise<void>)[] = [];
  #running: Promise<void> | undefined;

  push(step: () => Promise<void>): void {
    this.#steps.push(step);
  }

  /** Runs every step once, last pushed first; a failing step does not stop the others. */
  run(): Promise<void> {
    this.#running ??= (async () => {
      for (let step = this.#steps.pop(); step !== undefined; step = this.#steps.pop()) {
        await step().catch(() => {});
      }
    })();
    return this.#running;
  }
}
