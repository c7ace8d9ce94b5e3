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
 * Runs `second` on another connection of `db`, in the snapshot of `trx` (exported and
 * imported: both see exactly the same read model), while `first` runs on `trx`.
 */
export async function inSharedSnapshot<A, B>(
  db: Kysely<Database>,
  trx: Transaction<Database>,
  first: (trx: Transaction<Database>) => Promise<A>,
  second: (trx: Transaction<Database>) => Promise<B>,
): Promise<[A, B]> {
  const { rows } = await sql<{ snapshot: string }>`SELECT pg_export_snapshot() AS snapshot`.execute(trx);
  const snapshot = rows[0]?.snapshot ?? "";
  return Promise.all([
    first(trx),
    db
      .transaction()
      .setIsolationLevel("repeatable read")
      .execute(async (other) => {
        // Must be the transaction's first statement; takes no parameters, hence the literal.
        await sql`SET TRANSACTION SNAPSHOT ${sql.lit(snapshot)}`.execute(other);
        return second(other);
      }),
  ]);
}
