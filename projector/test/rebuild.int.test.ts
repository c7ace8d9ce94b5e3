import type {} from "@udaconnect/test-support/global-setup";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, inject } from "vitest";
import { sql } from "kysely";
import { listGenerations } from "@udaconnect/migrations";
import { startQueryApi, type RunningQueryApi } from "@udaconnect/query-api";
import { eventually } from "@udaconnect/test-support";
import { locationRecorded, personRegistered } from "./events";
import { consumerGroups, produce } from "./kafka-fixtures";
import { projectorTest, type ProjectorTopics } from "./projector-test";
import { readLocations } from "./read-model";
import { rebuild } from "./rebuild-fixtures";
import { queryApiOptions } from "@udaconnect/query-api/test-options";

const brokers = inject("kafkaBrokers");
const PERSONS = 10;
const CHECK_INS_EACH = 40;

describe("rebuild", () => {
  let api: RunningQueryApi | undefined;

  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  /** Everyone checks in around one booth, each minute: every person met every other. */
  async function givenAVenue(topics: ProjectorTopics): Promise<void> {
    const ids = Array.from({ length: PERSONS }, (_, i) => `p${i}`);
    await produce(
      brokers,
      topics.persons,
      ids.map((id) => ({
        key: id,
        value: personRegistered({
          eventId: randomUUID(),
          personId: id,
          firstName: id.toUpperCase(),
          lastName: "L",
          companyName: "C",
          recordedAt: new Date("2024-05-01T08:00:00Z"),
        }),
      })),
    );
    const checkIns = ids.flatMap((id, p) =>
      Array.from({ length: CHECK_INS_EACH }, (_, i) => {
        const at = new Date(Date.UTC(2024, 4, 1, 10, i));
        return {
          key: id,
          value: locationRecorded({ eventId: randomUUID(), personId: id, latitude: 10 + p * 0.000001, longitude: 20, occurredAt: at, recordedAt: at }),
        };
      }),
    );
    await produce(brokers, topics.locations, checkIns);
  }

  projectorTest(
    "switches to a new generation while the query API answers every request the same, and the live projector keeps updating",
    {
      timeout: 90_000,
    },
    async ({ readModels, topics, projectors }) => {
      await givenAVenue(topics);
      await projectors.start();
      await projectors.caughtUp();
      api = await startQueryApi(queryApiOptions({ databaseUrl: readModels.url, port: 0, auth: "disabled" }));
      // The /v1 lookup runs prepared statements, planned once per connection: they must follow the switch.
      const paths = [
        "/api/persons",
        "/api/persons/p0/connection?start_date=2024-05-01&end_date=2024-05-02&distance=10",
        "/v1/persons/p0/connections?from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z&distance_m=10",
      ];
      const baseline = await Promise.all(paths.map(async (path) => (await fetch(`${api?.url}${path}`)).text()));
      expect(JSON.parse(baseline[0] ?? "").length).toBe(PERSONS);
      expect(JSON.parse(baseline[1] ?? "").length).toBe((PERSONS - 1) * CHECK_INS_EACH);
      expect(JSON.parse(baseline[2] ?? "").connections.length).toBe(PERSONS - 1);

      const outcomes: string[] = [];
      let loading = true;
      const worker = async (offset: number) => {
        for (let i = offset; loading; i += 1) {
          const response = await fetch(`${api?.url}${paths[i % paths.length]}`).catch((error: unknown) => error);
          const body = response instanceof Response ? await response.text() : "";
          outcomes.push(
            response instanceof Response && response.status === 200 && body === baseline[i % paths.length]
              ? "same"
              : `different: ${String(response instanceof Response ? response.status : response)}`,
          );
        }
      };
      const load = Promise.all([worker(0), worker(1), worker(2)]);

      // Interrupted as soon as it has started: the next run resumes the same generation.
      const abort = new AbortController();
      const interrupted = rebuild({ brokers, databaseUrl: readModels.url, namespace: topics.namespace, signal: abort.signal }, () => abort.abort());
      expect(await interrupted).toEqual({ kind: "interrupted", generation: 2 });
      // New check-ins while rebuilding, of someone far from the booth: the answers above stay the same.
      const streamed = Array.from({ length: 50 }, (_, i) => {
        const at = new Date(Date.UTC(2024, 4, 1, 12, i));
        return {
          key: "walker",
          value: locationRecorded({ eventId: randomUUID(), personId: "walker", latitude: -40, longitude: i * 0.01, occurredAt: at, recordedAt: at }),
        };
      });
      const streaming = (async () => {
        for (let i = 0; i < streamed.length; i += 10) {
          await produce(brokers, topics.locations, streamed.slice(i, i + 10));
        }
      })();
      const progress: string[] = [];
      const beforeRebuild = outcomes.length;
      const outcome = await rebuild({ brokers, databaseUrl: readModels.url, namespace: topics.namespace }, (line) => progress.push(line));
      await streaming;
      const duringRebuild = outcomes.length;
      expect(duringRebuild).toBeGreaterThan(beforeRebuild);
      await eventually(() => expect(outcomes.length).toBeGreaterThan(duringRebuild + 4));
      loading = false;
      await load;

      expect(outcome).toEqual({ kind: "switched", generation: 2, previous: 1, dropped: true });
      expect(progress[0]).toBe("rebuild: resuming generation 2");
      expect(progress.some((l) => /^rebuild: generation 2: \d+\/\d+ records, \d+ events\/s, lag \d+, ETA /.test(l))).toBe(true);
      expect(outcomes.filter((o) => o !== "same")).toEqual([]);
      expect((await listGenerations(readModels.db)).map((g) => [g.generation, g.status])).toEqual([[2, "live"]]);
      // Vacuumed before going live: the query API's index-only probes skip its heap from the start.
      expect(progress.some((l) => /^rebuild: vacuumed and analysed generation 2 \(\d+ tables, [\d.]+ s\)$/.test(l))).toBe(true);
      const vacuumed = await sql<{ relname: string }>`
      SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname IN ('location', 'person') AND last_vacuum IS NOT NULL ORDER BY relname`.execute(
        readModels.db,
      );
      expect(vacuumed.rows.map((r) => r.relname)).toEqual(["location", "person"]);
      // The rebuild's own consumer group is gone; the live projector's remains.
      expect(progress).toContain(`rebuild: deleted consumer group projector-${topics.namespace}-rebuild-2`);
      expect(await consumerGroups(brokers, `projector-${topics.namespace}`)).toEqual([`projector-${topics.namespace}`]);
      // The live projector followed the switch: what was streamed is in the new generation.
      await projectors.caughtUp();
      const walker = (await readLocations(readModels.db))
        .filter((l) => l.personId === "walker")
        .map((l) => l.eventId)
        .sort();
      expect(walker).toEqual(streamed.map((s) => s.value.eventId).sort());
    },
  );
});
