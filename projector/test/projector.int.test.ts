import type {} from "@udaconnect/test-support/global-setup";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { describe, expect, inject } from "vitest";
import { create } from "@bufbuild/protobuf";
import { deadLetterTopic, EventSchema, topicName } from "@udaconnect/schemas";
import { eventually, uniqueNamespace } from "@udaconnect/test-support";
import { startProjector } from "../src/index";
import { encodeEvent, locationRecorded, personRegistered } from "./events";
import { committedOffsets, consumeRecords, produce } from "./kafka-fixtures";
import { collectingLogger, linesOf } from "./log-lines";
import { projectorTest } from "./projector-test";
import { readCheckpointRows, readLocations, readPersons } from "./read-model";
import { projectorOptions } from "./projector-options";

const brokers = inject("kafkaBrokers");
const at = (iso: string) => new Date(iso);

describe("projector", () => {
  projectorTest(
    "writes the person and location read models with the exact values (accuracy_m null when the event has none), and checkpoints the end of each partition",
    async ({ readModels, topics, projectors }) => {
      const ids = { alice: randomUUID(), aliceAgain: randomUUID(), bob: randomUUID(), l1: randomUUID(), l2: randomUUID() };
      await produce(brokers, topics.persons, [
        {
          key: "alice",
          value: personRegistered({
            eventId: ids.alice,
            personId: "alice",
            firstName: "Alice",
            lastName: "Old",
            companyName: "A Corp",
            recordedAt: at("2024-05-01T08:00:00.000Z"),
          }),
        },
        {
          key: "bob",
          value: personRegistered({
            eventId: ids.bob,
            personId: "bob",
            firstName: "Bob",
            lastName: "Builder",
            companyName: "B Ltd",
            recordedAt: at("2024-05-01T08:01:00.000Z"),
          }),
        },
        {
          key: "alice",
          value: personRegistered({
            eventId: ids.aliceAgain,
            personId: "alice",
            firstName: "Alice",
            lastName: "New",
            companyName: "A Corp",
            recordedAt: at("2024-05-01T08:02:00.000Z"),
          }),
        },
      ]);
      await produce(brokers, topics.locations, [
        {
          key: "alice",
          value: locationRecorded({
            eventId: ids.l1,
            personId: "alice",
            latitude: 35.0585136,
            longitude: -106.5719566,
            occurredAt: at("2024-05-01T09:00:00.250Z"),
            recordedAt: at("2024-05-01T09:00:01.000Z"),
            accuracyMetres: 4.5,
          }),
        },
        {
          key: "bob",
          value: locationRecorded({
            eventId: ids.l2,
            personId: "bob",
            latitude: -33.8688,
            longitude: 151.2093,
            occurredAt: at("2024-05-01T09:05:00.000Z"),
            recordedAt: at("2024-05-01T09:05:02.000Z"),
          }),
        },
      ]);

      const { groupId } = await projectors.start();

      await eventually(async () => {
        expect(await readPersons(readModels.db)).toEqual([
          {
            id: "alice",
            first_name: "Alice",
            last_name: "New",
            company_name: "A Corp",
            registered_at: at("2024-05-01T08:02:00.000Z"),
            last_event_id: ids.aliceAgain,
            json: '{"id":"alice","first_name":"Alice","last_name":"New","company_name":"A Corp"}',
          },
          {
            id: "bob",
            first_name: "Bob",
            last_name: "Builder",
            company_name: "B Ltd",
            registered_at: at("2024-05-01T08:01:00.000Z"),
            last_event_id: ids.bob,
            json: '{"id":"bob","first_name":"Bob","last_name":"Builder","company_name":"B Ltd"}',
          },
        ]);
        expect(await readLocations(readModels.db)).toEqual(
          [
            {
              eventId: ids.l1,
              personId: "alice",
              latitude: 35.0585136,
              longitude: -106.5719566,
              occurredAt: at("2024-05-01T09:00:00.250Z"),
              recordedAt: at("2024-05-01T09:00:01.000Z"),
              accuracyMetres: 4.5,
            },
            {
              eventId: ids.l2,
              personId: "bob",
              latitude: -33.8688,
              longitude: 151.2093,
              occurredAt: at("2024-05-01T09:05:00.000Z"),
              recordedAt: at("2024-05-01T09:05:02.000Z"),
            },
          ].sort((a, b) => (a.eventId < b.eventId ? -1 : 1)),
        );
      });
      const end = await projectors.caughtUp(15_000);
      expect(end.reduce((n, p) => n + p.nextOffset, 0n)).toBe(5n);
      // Kafka's copy of the offsets is best effort, but on a healthy broker it catches up.
      await eventually(async () => expect(await committedOffsets(brokers, groupId, [topics.persons, topics.locations])).toEqual(end));
    },
  );

  projectorTest("makes no second row for a redelivered event id, in the same batch or a later one", async ({ readModels, topics, projectors }) => {
    const eventId = randomUUID();
    const checkIn = locationRecorded({
      eventId,
      personId: "carol",
      latitude: 1.5,
      longitude: 2.5,
      occurredAt: at("2024-05-01T10:00:00.000Z"),
      recordedAt: at("2024-05-01T10:00:00.500Z"),
    });
    await produce(brokers, topics.locations, [{ key: "carol", value: checkIn }]);
    await produce(brokers, topics.locations, [{ key: "carol", value: checkIn }]);

    const { lines } = await projectors.start();
    const [first] = await projectors.caughtUp(15_000);
    await produce(brokers, topics.locations, [{ key: "carol", value: checkIn }]);

    const end = await projectors.caughtUp(15_000);
    expect(end).toEqual([{ topic: topics.locations, partition: first?.partition, nextOffset: 3n }]);
    expect((await readLocations(readModels.db)).map((l) => l.eventId)).toEqual([eventId]);
    expect(linesOf(lines, "batch projected", ["locationsInserted"]).reduce((n, l) => n + Number(l.locationsInserted), 0)).toBe(1);
  });

  projectorTest(
    "dead-letters poison records with their bytes, key and origin, counts them, and projects the good ones after them",
    async ({ readModels, topics, projectors }) => {
      const [before, after] = [randomUUID(), randomUUID()];
      const checkIn = (eventId: string) =>
        locationRecorded({
          eventId,
          personId: "dave",
          latitude: 10,
          longitude: 20,
          occurredAt: at("2024-05-01T11:00:00.000Z"),
          recordedAt: at("2024-05-01T11:00:00.000Z"),
        });
      const undecodable = Uint8Array.of(0x0a, 0x05, 0x61);
      const unknownPayload = encodeEvent(create(EventSchema, { eventId: randomUUID(), type: "udaconnect.v1.PersonForgotten" }));
      const badLatitude = encodeEvent(
        locationRecorded({
          eventId: randomUUID(),
          personId: "dave",
          latitude: 91,
          longitude: 0,
          occurredAt: at("2024-05-01T11:00:00.000Z"),
          recordedAt: at("2024-05-01T11:00:00.000Z"),
        }),
      );
      await produce(brokers, topics.locations, [
        { key: "dave", value: checkIn(before) },
        { key: "dave", value: undecodable },
        { key: "dave", value: unknownPayload },
        { key: "dave", value: badLatitude },
        { key: "dave", value: checkIn(after) },
      ]);

      const { lines, projector } = await projectors.start();

      const [end] = await projectors.caughtUp(15_000);
      expect((await readLocations(readModels.db)).map((l) => l.eventId).sort()).toEqual([before, after].sort());
      const reasons = [
        "value is not a udaconnect.v1.Event: premature EOF",
        'unknown payload (type "udaconnect.v1.PersonForgotten")',
        "latitude is not a number from -90 to 90: 91",
      ];
      const dead = await consumeRecords(brokers, topicName(deadLetterTopic, topics.namespace), 3);
      expect(dead.map((r) => ({ key: r.key?.toString(), value: r.value ? new Uint8Array(r.value) : null, headers: r.headers }))).toEqual(
        [undecodable, unknownPayload, badLatitude].map((value, i) => ({
          key: "dave",
          value,
          headers: {
            "udaconnect.source.topic": topics.locations,
            "udaconnect.source.partition": String(end?.partition),
            "udaconnect.source.offset": String(i + 1),
            "udaconnect.dead-letter.reason": reasons[i],
          },
        })),
      );
      expect(linesOf(lines, "record skipped", ["offset", "reason"])).toEqual(reasons.map((reason, i) => ({ offset: String(i + 1), reason })));
      const metrics = (await projector.metrics.scrape()).text;
      expect(metrics).toContain(`udaconnect_projector_dead_lettered_total{topic="${topics.locations}"} 3`);
      expect(metrics).toContain(`udaconnect_projector_events_applied_total{topic="${topics.locations}"} 2`);
      expect(metrics).toContain(`udaconnect_projector_lag_records{topic="${topics.locations}",partition="${end?.partition}"} 0`);
    },
  );

  projectorTest("resumes from the PostgreSQL checkpoint, not from Kafka's offsets, after a restart", async ({ readModels, topics, projectors }) => {
    const checkIn = (eventId: string) =>
      locationRecorded({
        eventId,
        personId: "erin",
        latitude: 0,
        longitude: 0,
        occurredAt: at("2024-05-01T12:00:00.000Z"),
        recordedAt: at("2024-05-01T12:00:00.000Z"),
      });
    const first = Array.from({ length: 5 }, () => randomUUID());
    await produce(
      brokers,
      topics.locations,
      first.map((id) => ({ key: "erin", value: checkIn(id) })),
    );
    const { projector, groupId } = await projectors.start();
    const [checkpoint] = await projectors.caughtUp(15_000);
    await projectors.stop(projector);
    // A new group has no offsets in Kafka: only PostgreSQL knows where to resume.
    const later = randomUUID();
    await produce(brokers, topics.locations, [{ key: "erin", value: checkIn(later) }]);

    const restarted = await projectors.start({ groupId: `${groupId}-new` });

    await projectors.caughtUp(15_000);
    expect(linesOf(restarted.lines, "resuming partition", ["topic", "partition", "offset", "from"])).toContainEqual({
      topic: topics.locations,
      partition: checkpoint?.partition,
      offset: "5",
      from: "checkpoint",
    });
    expect(linesOf(restarted.lines, "batch projected", ["fetchedOffset", "alreadyApplied", "locationsInserted"])).toEqual([
      { fetchedOffset: "5", alreadyApplied: 0, locationsInserted: 1 },
    ]);
    expect((await readLocations(readModels.db)).length).toBe(6);
  });

  projectorTest("retries a batch whose transaction failed instead of skipping its records", async ({ readModels, topics, projectors }) => {
    // A statement trigger stands in for a transient failure (serialization failure, lost connection).
    await sql`
      CREATE FUNCTION fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'injected failure' USING ERRCODE = '40001'; END $$
    `.execute(readModels.db);
    await sql`CREATE TRIGGER fail_insert BEFORE INSERT ON location FOR EACH STATEMENT EXECUTE FUNCTION fail_insert()`.execute(readModels.db);
    const eventIds = [randomUUID(), randomUUID(), randomUUID()];
    await produce(
      brokers,
      topics.locations,
      eventIds.map((eventId) => ({
        key: "frank",
        value: locationRecorded({
          eventId,
          personId: "frank",
          latitude: 5,
          longitude: 6,
          occurredAt: at("2024-05-01T13:00:00.000Z"),
          recordedAt: at("2024-05-01T13:00:00.000Z"),
        }),
      })),
    );

    const { lines } = await projectors.start();
    await eventually(() => expect(lines.some((l) => l.level === "error" && l.msg === "batch not projected; fetching it again")).toBe(true));
    expect(await readCheckpointRows(readModels.db)).toEqual([]);
    await sql`DROP TRIGGER fail_insert ON location`.execute(readModels.db);

    await projectors.caughtUp(15_000);
    expect((await readLocations(readModels.db)).map((l) => l.eventId).sort()).toEqual([...eventIds].sort());
    expect(linesOf(lines, "record skipped", ["offset"])).toEqual([]);
  });

  projectorTest("refuses to start when its topics do not exist, naming them", async ({ readModels }) => {
    const missing = uniqueNamespace();

    await expect(
      startProjector(projectorOptions({ kafkaBrokers: brokers, databaseUrl: readModels.url, topicNamespace: missing, logger: collectingLogger().logger })),
    ).rejects.toThrow(`Kafka topics do not exist: ${missing}.udaconnect.persons.v1, ${missing}.udaconnect.locations.v1.`);
  });

  projectorTest("reports ready while consuming, and not ready once stopped", async ({ projectors }) => {
    const { projector } = await projectors.start();

    await eventually(async () => expect(await projector.readiness()).toEqual({ ready: true, checks: { consumer: true, database: true } }));
    await projectors.stop(projector);
    await expect(projector.readiness()).resolves.toEqual({ ready: false, checks: { consumer: false, database: false } });
  });
});
