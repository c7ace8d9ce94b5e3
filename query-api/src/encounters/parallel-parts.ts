/**
 * How many lookups may run in two parts on two connections at the same time. A lookup that
 * finds none free runs as one statement on one connection: under load the cores are busy
 * anyway, and holding at most two connections per lookup for at most `slots` lookups keeps
 * the pool from deadlocking (every other request holds one connection and waits for nothing).
 */
export class ParallelSlots {
  #free: number;

  constructor(slots: number) {
    this.#free = slots;
  }

  tryAcquire(): boolean {
    if (this.#free === 0) {
      return false;
    }
    this.#free -= 1;
    return true;
  }

  release(): void {
    this.#free += 1;
  }
}
