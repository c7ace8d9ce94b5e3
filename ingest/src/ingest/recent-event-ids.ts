import type { SeenEventIds } from "./ports";

/**
 * The last `capacity` event ids this gateway instance appended, oldest
 * forgotten first. It only lets an ack say DUPLICATE for a retry that comes
 * back to the same instance within that window. It is NOT what prevents
 * double counting: a retry past the window, to another instance, or racing
 * the first attempt is appended again, and the read model's primary key on
 * event_id collapses it (the projector skips an event id it already has).
 */
export class RecentEventIds implements SeenEventIds {
  readonly #ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(eventId: string): boolean {
    return this.#ids.has(eventId);
  }

  add(eventIds: Iterable<string>): void {
    for (const id of eventIds) {
      this.#ids.delete(id);
      this.#ids.add(id);
    }
    // A Set iterates in insertion order, so the first entries are the oldest.
    for (const id of this.#ids) {
      if (this.#ids.size <= this.capacity) {
        break;
      }
      this.#ids.delete(id);
    }
  }

  get size(): number {
    return this.#ids.size;
  }
}
