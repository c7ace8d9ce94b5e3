import { describe, expect, it } from "vitest";
import { planBatch } from "../src/projection/plan-batch";
import { encodeEvent, locationRecorded, personErased, personRegistered, personUpdated } from "./events";

const at = (minute: number) => new Date(Date.UTC(2024, 4, 1, 10, minute));
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const registration = (n: number, personId: string, firstName: string) =>
  encodeEvent(personRegistered({ eventId: uuid(n), personId, firstName, lastName: "L", companyName: "C", recordedAt: at(n) }));
const checkIn = (n: number, personId = "p1") =>
  encodeEvent(locationRecorded({ eventId: uuid(n), personId, latitude: n, longitude: -n, occurredAt: at(n), recordedAt: at(n) }));

describe("planBatch", () => {
  it("drops records below the checkpoint: a redelivered batch changes nothing", () => {
    const records = [
      { offset: 10n, value: checkIn(1) },
      { offset: 11n, value: checkIn(2) },
      { offset: 12n, value: checkIn(3) },
    ];

    const plan = planBatch(records, 12n);

    expect(plan.alreadyApplied).toBe(2);
    expect(plan.locations.map((l) => l.eventId)).toEqual([uuid(3)]);
    expect(planBatch(records, 13n)).toEqual({
      erasures: [],
      persons: [],
      patches: [],
      locations: [],
      skipped: [],
      expired: 0,
      alreadyApplied: 3,
      erased: 0,
      missingKeys: [],
    });
  });

  it("leaves out check-ins that occurred before the retention's bound, keeping one at the bound", () => {
    const records = [1, 2, 3].map((n) => ({ offset: BigInt(n), value: checkIn(n) }));

    const plan = planBatch(records, 0n, at(2));

    expect(plan.locations.map((l) => l.eventId)).toEqual([uuid(2), uuid(3)]);
    expect(plan.expired).toBe(1);
    expect(planBatch(records, 0n, undefined).locations).toHaveLength(3);
  });

  it("keeps each person's last registration of the batch, in log order of the winners", () => {
    const plan = planBatch(
      [
        { offset: 0n, value: registration(1, "p1", "First") },
        { offset: 1n, value: registration(2, "p2", "Other") },
        { offset: 2n, value: registration(3, "p1", "Second") },
      ],
      0n,
    );

    expect(plan.persons.map((p) => [p.id, p.firstName, p.lastEventId, p.registeredAt])).toEqual([
      ["p2", "Other", uuid(2), at(2)],
      ["p1", "Second", uuid(3), at(3)],
    ]);
  });

  it("keeps one location per event id when the same event appears twice", () => {
    const plan = planBatch(
      [
        { offset: 5n, value: checkIn(1) },
        { offset: 6n, value: checkIn(2) },
        { offset: 7n, value: checkIn(1) },
      ],
      5n,
    );

    expect(plan.locations.map((l) => [l.eventId, l.latitude])).toEqual([
      [uuid(1), 1],
      [uuid(2), 2],
    ]);
  });

  it("lists skipped records with their offsets and projects the good ones around them", () => {
    const plan = planBatch(
      [
        { offset: 20n, value: checkIn(1) },
        { offset: 21n, value: null },
        { offset: 22n, value: checkIn(2, "not valid!") },
        { offset: 23n, value: checkIn(3) },
      ],
      20n,
    );

    expect(plan.locations.map((l) => l.eventId)).toEqual([uuid(1), uuid(3)]);
    expect(plan.skipped).toEqual([
      { offset: 21n, reason: "record has no value" },
      { offset: 22n, reason: 'person_id is not 1–64 characters of [A-Za-z0-9_-]: "not valid!"' },
    ]);
  });

  it("folds a person's registration, updates and erasure in log order", () => {
    const plan = planBatch(
      [
        { offset: 0n, value: registration(1, "p1", "First") },
        { offset: 1n, value: encodeEvent(personUpdated({ eventId: uuid(2), personId: "p1", lastName: "Changed", recordedAt: at(2) })) },
        { offset: 2n, value: encodeEvent(personUpdated({ eventId: uuid(3), personId: "p2", companyName: "New Co", recordedAt: at(3) })) },
        { offset: 3n, value: registration(4, "p3", "Gone") },
        { offset: 4n, value: encodeEvent(personErased({ eventId: uuid(5), personId: "p3", recordedAt: at(5) })) },
        { offset: 5n, value: encodeEvent(personUpdated({ eventId: uuid(6), personId: "p3", firstName: "Ignored", recordedAt: at(6) })) },
        { offset: 6n, value: encodeEvent(personErased({ eventId: uuid(7), personId: "p4", recordedAt: at(7) })) },
        { offset: 7n, value: registration(8, "p4", "Again") },
      ],
      0n,
    );

    expect(plan.persons.map((p) => [p.id, p.firstName, p.lastName, p.lastEventId])).toEqual([
      ["p1", "First", "Changed", uuid(2)],
      ["p4", "Again", "L", uuid(8)],
    ]);
    expect(plan.patches).toEqual([{ id: "p2", companyName: "New Co", lastEventId: uuid(3) }]);
    expect(plan.erasures).toEqual([
      { id: "p3", erasedAt: at(5), lastEventId: uuid(5) },
      { id: "p4", erasedAt: at(7), lastEventId: uuid(7) },
    ]);
  });
});
