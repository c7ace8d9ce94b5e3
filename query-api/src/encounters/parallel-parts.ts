import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "@udaconnect/migrations";

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

/**
 * Runs `first` and `second` at the same time on two connections of `db`, in one snapshot:
 * the first's transaction exports it, the second's imports it (pg_export_snapshot / SET
 * TRANSACTION SNAPSHOT), so both see exactly the same read model. The second transaction
 * begins while the first exports, which keeps one round trip off the wait; the first stays
 * open until the second has imported (an exported snapshot lives as long as its transaction).
 */
export async function inSharedSnapshot<A, B>(
  db: Kysely<Database>,
  first: (trx: Transaction<Database>) => Promise<A>,
  second: (trx: Transaction<Database>) => Promise<B>,
): Promise<[A, B]> {
  const snapshot = signal<string>();
  const imported = signal<void>();
  const repeatableRead = () => db.transaction().setIsolationLevel("repeatable read");
  return Promise.all([
    repeatableRead().execute(async (trx) => {
      try {
        const { rows } = await sql<{ snapshot: string }>`SELECT pg_export_snapshot() AS snapshot`.execute(trx);
        snapshot.resolve(rows[0]?.snapshot ?? "");
      } catch (error) {
        snapshot.reject(error);
        throw error;
      }
      try {
        return await first(trx);
      } finally {
        await imported.settled;
      }
    }),
    repeatableRead().execute(async (trx) => {
      try {
        // Must be the transaction's first statement; takes no parameters, hence the literal.
        await sql`SET TRANSACTION SNAPSHOT ${sql.lit(await snapshot.promise)}`.execute(trx);
      } finally {
        imported.resolve();
      }
      return second(trx);
    }),
  ]);
}

interface Signal<T> {
  readonly promise: Promise<T>;
  /** Resolves either way: for waiting on the other side without inheriting its failure. */
  readonly settled: Promise<void>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function signal<T>(): Signal<T> {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejection nobody else awaits must not be reported as unhandled.
  const settled = promise.then(
    () => undefined,
    () => undefined,
  );
  return { promise, settled, resolve, reject };
}
