import { mkdir, open, readFile, rename, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { LoadedQueue, QueueStorage, QueuedCheckIn } from "./storage";

const JOURNAL = "journal.ndjson";
/**
 * Rewrite the journal once at least this many acknowledged entries could be
 * dropped from it, and at least as many as are pending: rewriting costs as
 * much as what is pending, so each rewrite is paid for by as many
 * acknowledgements (with 25,000 queued, rewriting every 5,000 acknowledgements
 * wrote each check-in three times over and was the SDK's largest cost).
 */
const COMPACT_AFTER_ACKS = 5_000;

type Entry = { readonly q: QueuedCheckIn } | { readonly a: readonly string[] } | { readonly d: number };

/**
 * An append-only journal in `directory`: one JSON line per queued check-in
 * ({"q":…}), per acknowledgement ({"a":[ids]}) and per drop count ({"d":n}),
 * each write followed by fdatasync. A torn last line (power loss mid-write)
 * is ignored on load: its write never resolved, so nothing relied on it.
 * Once enough acknowledged entries pile up (see COMPACT_AFTER_ACKS), the
 * journal is rewritten with only what is pending (write a new file, fsync,
 * rename over the old one).
 */
export async function fileStorage(directory: string): Promise<QueueStorage> {
  await mkdir(directory, { recursive: true });
  const path = join(directory, JOURNAL);
  let handle: FileHandle = await open(path, "a");
  let pending = new Map<string, QueuedCheckIn>();
  let dropped = 0;
  let acksSinceCompaction = 0;

  const write = async (entries: readonly Entry[]) => {
    await handle.write(entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
    await handle.datasync();
  };

  const compact = async () => {
    const next = `${path}.next`;
    const fresh = await open(next, "w");
    const lines = [...pending.values()].map((q) => JSON.stringify({ q })).concat(dropped > 0 ? [JSON.stringify({ d: dropped })] : []);
    await fresh.write(lines.map((l) => `${l}\n`).join(""));
    await fresh.sync();
    await fresh.close();
    await handle.close();
    await rename(next, path);
    const dir = await open(directory, "r");
    await dir.sync().finally(() => dir.close());
    handle = await open(path, "a");
    acksSinceCompaction = 0;
  };

  return {
    load: async (): Promise<LoadedQueue> => {
      const loaded = replay(await readFile(path, "utf8"));
      pending = loaded.pendingById;
      dropped = loaded.dropped;
      return { pending: [...pending.values()], dropped };
    },
    append: async (checkIns) => {
      for (const q of checkIns) pending.set(q.eventId, q);
      await write(checkIns.map((q) => ({ q })));
    },
    acknowledge: async (eventIds) => {
      for (const id of eventIds) pending.delete(id);
      await write([{ a: eventIds }]);
      acksSinceCompaction += eventIds.length;
      if (acksSinceCompaction >= Math.max(COMPACT_AFTER_ACKS, pending.size)) {
        await compact();
      }
    },
    recordDropped: async (count) => {
      dropped += count;
      await write([{ d: dropped }]);
    },
    close: () => handle.close(),
  };
}

function replay(text: string): { pendingById: Map<string, QueuedCheckIn>; dropped: number } {
  const pendingById = new Map<string, QueuedCheckIn>();
  let dropped = 0;
  for (const line of text.split("\n")) {
    const entry = parse(line);
    if (entry === undefined) continue;
    if ("q" in entry) pendingById.set(entry.q.eventId, entry.q);
    else if ("a" in entry) for (const id of entry.a) pendingById.delete(id);
    else dropped = entry.d;
  }
  return { pendingById, dropped };
}

function parse(line: string): Entry | undefined {
  if (line.trim() === "") return undefined;
  try {
    return JSON.parse(line) as Entry;
  } catch {
    return undefined;
  }
}
