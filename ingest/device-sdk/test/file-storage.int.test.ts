import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { fileStorage, type QueueStorage, type QueuedCheckIn } from "../src/index";

const checkIn = (n: number): QueuedCheckIn => ({ eventId: `id-${n}`, personId: "p1", latitude: n, longitude: 2, occurredAtMs: 1_700_000_000_000 + n });

/**
 * A test with `dir` (a fresh directory, removed after the test) and `openStorage` (a file
 * storage in it, as a device opens one at each start); every storage opened is closed after
 * the test whether it passed or not.
 */
const storageTest = test.extend<{ dir: string; openStorage: () => Promise<QueueStorage> }>({
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  dir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), "device-queue-"));
    try {
      await use(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  openStorage: async ({ dir }, use) => {
    const opened: QueueStorage[] = [];
    try {
      await use(async () => {
        const storage = await fileStorage(dir);
        opened.push(storage);
        return storage;
      });
    } finally {
      await Promise.all(opened.map((storage) => storage.close()));
    }
  },
});

describe("fileStorage", () => {
  storageTest("gives back, after a restart, what was appended and not acknowledged, in order, and the drop count", async ({ openStorage }) => {
    const first = await openStorage();
    await first.load();
    await first.append([checkIn(1), checkIn(2)]);
    await first.append([checkIn(3)]);
    await first.acknowledge(["id-1"]);
    await first.recordDropped(2);
    await first.close();

    const second = await openStorage();

    expect(await second.load()).toEqual({ pending: [checkIn(2), checkIn(3)], dropped: 2 });
  });

  storageTest("ignores a torn last line: its write never completed, so nobody relied on it", async ({ dir, openStorage }) => {
    const storage = await openStorage();
    await storage.load();
    await storage.append([checkIn(1)]);
    await storage.close();
    await appendFile(join(dir, "journal.ndjson"), '{"q":{"eventId":"id-2","pers');

    expect(await (await openStorage()).load()).toEqual({ pending: [checkIn(1)], dropped: 0 });
  });

  storageTest("rewrites the journal with only what is pending once many acknowledgements piled up", async ({ dir, openStorage }) => {
    const storage = await openStorage();
    await storage.load();
    const many = Array.from({ length: 5_001 }, (_, i) => checkIn(i));
    await storage.append(many);
    await storage.acknowledge(many.slice(0, 5_000).map((c) => c.eventId));
    await storage.close();

    const journal = (await readFile(join(dir, "journal.ndjson"), "utf8")).trim().split("\n");
    expect(journal).toEqual([JSON.stringify({ q: checkIn(5_000) })]);
    expect(await (await openStorage()).load()).toEqual({ pending: [checkIn(5_000)], dropped: 0 });
  });

  storageTest("waits, with many check-ins pending, until the acknowledged entries are as many as the pending ones", async ({ dir, openStorage }) => {
    const storage = await openStorage();
    await storage.load();
    const many = Array.from({ length: 20_000 }, (_, i) => checkIn(i));
    await storage.append(many);
    const lines = async () => (await readFile(join(dir, "journal.ndjson"), "utf8")).trim().split("\n").length;

    await storage.acknowledge(many.slice(0, 5_000).map((c) => c.eventId));
    const afterFirst = await lines();
    await storage.acknowledge(many.slice(5_000, 10_000).map((c) => c.eventId));
    const afterSecond = await lines();
    await storage.close();

    expect([afterFirst, afterSecond]).toEqual([20_001, 10_000]);
    expect((await (await openStorage()).load()).pending).toEqual(many.slice(10_000));
  });
});
