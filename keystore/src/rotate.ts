import type pg from "pg";
import type { MasterKeys } from "./master-keys";
import { unwrapDataKey, wrapDataKey } from "./wrapping";

export interface RewrapResult {
  readonly rewrapped: number;
  /** Keys per master key id after the run: only the active id once it is complete. */
  readonly byMasterKey: Readonly<Record<string, number>>;
}

const BATCH = 500;

/**
 * Re-wraps every data key not wrapped with the active master key, in batches
 * of rows locked FOR UPDATE SKIP LOCKED (an erasure meanwhile just deletes its
 * row). The data keys themselves do not change, so nothing in the log is
 * rewritten. Safe to stop and run again.
 */
export async function rewrapDataKeys(
  db: Pick<pg.Pool, "connect" | "query">,
  master: MasterKeys,
  progress: (done: number) => void = () => {},
): Promise<RewrapResult> {
  const active = master.keys.get(master.activeId);
  if (active === undefined) throw new Error(`active master key ${master.activeId} is missing`);
  let rewrapped = 0;
  for (;;) {
    const client = await db.connect();
    let count = 0;
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ key_id: string; person_id: string; wrapped_key: Buffer; master_key_id: string }>(
        "SELECT key_id, person_id, wrapped_key, master_key_id FROM keystore.person_keys WHERE master_key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED",
        [master.activeId, BATCH],
      );
      for (const row of rows) {
        const old = master.keys.get(row.master_key_id);
        if (old === undefined)
          throw new Error(
            `data key ${row.key_id} is wrapped with master key ${row.master_key_id}, absent from the master keys file: add it back, then run again`,
          );
        const raw = unwrapDataKey(old, row.key_id, row.person_id, row.wrapped_key).export();
        const wrapped = wrapDataKey(active, row.key_id, row.person_id, raw);
        raw.fill(0);
        await client.query("UPDATE keystore.person_keys SET wrapped_key = $2, master_key_id = $3 WHERE key_id = $1", [row.key_id, wrapped, master.activeId]);
      }
      await client.query("COMMIT");
      count = rows.length;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    if (count === 0) break;
    rewrapped += count;
    progress(rewrapped);
  }
  const { rows } = await db.query<{ master_key_id: string; n: string }>("SELECT master_key_id, count(*) AS n FROM keystore.person_keys GROUP BY 1 ORDER BY 1");
  return { rewrapped, byMasterKey: Object.fromEntries(rows.map((r) => [r.master_key_id, Number(r.n)])) };
}
