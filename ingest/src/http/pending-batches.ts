import type { StreamCheckInsResponse } from "@udaconnect/schemas";

/** A stream's batches waiting for Kafka, oldest first, with the event ids they carry. */
export class PendingBatches {
  readonly #batches: { readonly answer: Promise<StreamCheckInsResponse>; readonly ids: readonly string[] }[] = [];
  readonly #ids = new Map<string, number>();

  get size(): number {
    return this.#batches.length;
  }

  head(): Promise<StreamCheckInsResponse> | undefined {
    return this.#batches[0]?.answer;
  }

  holdsAny(ids: readonly string[]): boolean {
    return ids.some((id) => this.#ids.has(id));
  }

  push(answer: Promise<StreamCheckInsResponse>, ids: readonly string[]): void {
    this.#batches.push({ answer, ids });
    for (const id of ids) this.#ids.set(id, (this.#ids.get(id) ?? 0) + 1);
  }

  shift(): Promise<StreamCheckInsResponse> {
    const batch = this.#batches.shift();
    if (batch === undefined) {
      throw new Error("no batch is pending");
    }
    for (const id of batch.ids) {
      const left = (this.#ids.get(id) ?? 1) - 1;
      if (left === 0) this.#ids.delete(id);
      else this.#ids.set(id, left);
    }
    return batch.answer;
  }
}
