/** A wake-up call: `wait()` resolves at the next `notify()`. */
export class Signal {
  #waiters: (() => void)[] = [];

  notify(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** An async iterable fed as the sender goes: the request side of a bidirectional stream. */
export class Pushable<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #signal = new Signal();
  #ended = false;

  push(item: T): void {
    this.#items.push(item);
    this.#signal.notify();
  }

  end(): void {
    this.#ended = true;
    this.#signal.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        yield item;
      } else if (this.#ended) {
        return;
      } else {
        await this.#signal.wait();
      }
    }
  }
}
