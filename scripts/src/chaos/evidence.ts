import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { decodeEvent, locationsTopic, topicName } from "@udaconnect/schemas";
import pg from "pg";
import { openTopicLog } from "../replay/kafka/platformatic-topic-log";
import type { DeviceSettings } from "./device-settings";
import type { DeviceRecord } from "./verdict";

const LOCATIONS = topicName(locationsTopic, "");

/** The read model's row count every half second, for the time to recover after each fault. */
export class ProjectionWatch {
  readonly samples: { t: number; rows: number }[] = [];
  #stopped = false;
  #running: Promise<void> | undefined;

  constructor(private readonly databaseUrl: string) {}

  start(): void {
    this.#running = (async () => {
      const pool = new pg.Pool({ connectionString: this.databaseUrl, max: 1, connectionTimeoutMillis: 2_000 });
      pool.on("error", () => {});
      while (!this.#stopped) {
        try {
          const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM location");
          this.samples.push({ t: Date.now(), rows: Number(rows[0]?.n ?? 0) });
        } catch {
          // PostgreSQL is down (a fault): no sample.
        }
        await sleep(500);
      }
      await pool.end().catch(() => {});
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }
}

export function readDeviceRecord(name: string, settingsFile: string): DeviceRecord {
  const settings = JSON.parse(readFileSync(settingsFile, "utf8")) as DeviceSettings;
  const lines = <T>(file: string): T[] =>
    existsSync(file)
      ? readFileSync(file, "utf8")
          .split("\n")
          // A line cut short by a SIGKILL is not a fact the device recorded.
          .flatMap((line) => {
            try {
              return line === "" ? [] : [JSON.parse(line) as T];
            } catch {
              return [];
            }
          })
      : [];
  const json = (file: string) => (existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as DeviceRecord["stats"]) : undefined);
  const stats = json(settings.statsFile);
  const draining = stats === undefined ? json(`${settings.statsFile}.draining`) : undefined;
  return {
    name,
    queued: lines(settings.queuedFile),
    acks: lines(settings.acksFile),
    ...(stats === undefined ? {} : { stats }),
    ...(draining === undefined ? {} : { draining }),
  };
}

/** Event id → records of the locations topic carrying it, read from the first offset to the end. */
export async function readLog(brokers: string): Promise<Map<string, number>> {
  const log = openTopicLog(brokers, undefined, "udaconnect-chaos");
  const counts = new Map<string, number>();
  try {
    const from = await log.offsetsAt(LOCATIONS, "earliest");
    const to = await log.offsetsAt(LOCATIONS, "latest");
    for (const [partition, start] of from) {
      for await (const record of log.read(LOCATIONS, partition, start, to.get(partition) ?? start)) {
        if (record.value === null) continue;
        const id = decodeEvent(record.value).eventId;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
  } finally {
    await log.close();
  }
  return counts;
}

export async function readReadModel(databaseUrl: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ event_id: string; n: string }>("SELECT event_id::text, count(*) AS n FROM location GROUP BY event_id");
    return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
  } finally {
    await client.end();
  }
}

/** Per partition of the locations topic: end offset − the projection's checkpoint. */
export async function projectionLag(brokers: string, databaseUrl: string): Promise<Record<string, number>> {
  const log = openTopicLog(brokers, undefined, "udaconnect-chaos");
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    const ends = await log.offsetsAt(LOCATIONS, "latest");
    await client.connect();
    const { rows } = await client.query<{ partition: number; next_offset: string }>(
      "SELECT partition, next_offset FROM projection_checkpoint WHERE topic = $1",
      [LOCATIONS],
    );
    const done = new Map(rows.map((r) => [r.partition, BigInt(r.next_offset)]));
    return Object.fromEntries([...ends].map(([p, end]) => [String(p), Number(end - (done.get(p) ?? 0n))]));
  } finally {
    await log.close();
    await client.end().catch(() => {});
  }
}
