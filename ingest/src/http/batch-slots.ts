/**
 * At most `capacity` StreamCheckIns batches in flight across all streams.
 * A stream that finds none free stops reading its requests until one is
 * released, so HTTP/2 flow control pushes back on the device instead of the
 * gateway buffering without bound.
 */
export class BatchSlots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(capacity: number) {
    this.#free = capacity;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) {
      this.#free++;
    } else {
      next();
    }
  }
}
