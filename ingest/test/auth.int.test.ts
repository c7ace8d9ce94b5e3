import { randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { locationsTopic, personsTopic } from "@udaconnect/schemas";
import { client, startHarness, transports, uniquePersonId, type Harness } from "./harness";
import { accepted, batch, batches, checkIn, plain, rejected } from "./streams";
import { OPERATOR, attendee, testKeys, type TestKeys } from "./tokens";

let harness: Harness;
let keys: TestKeys;

beforeAll(async () => {
  keys = await testKeys();
  harness = await startHarness(inject("kafkaBrokers"), { auth: keys.verify });
});

afterAll(async () => {
  await harness?.stop();
});

const grpc = () => client(transports["gRPC (HTTP/2)"](harness.server.url));

async function failure(call: Promise<unknown>): Promise<{ code: Code; message: string } | "succeeded"> {
  return call.then(
    () => "succeeded" as const,
    (e: unknown) => ({ code: ConnectError.from(e).code, message: ConnectError.from(e).rawMessage }),
  );
}

const registration = (personId: string) => ({ personId, firstName: "Ada", lastName: "Lovelace", companyName: "AE" });

describe("authentication", () => {
  it("refuses a call without a token, and one with a token signed by an unknown key, as UNAUTHENTICATED", async () => {
    const stranger = await testKeys();
    const personId = uniquePersonId();

    expect(await failure(grpc().recordLocation({ checkIn: checkIn(personId, randomUUID()) }))).toEqual({
      code: Code.Unauthenticated,
      message: 'missing "authorization: Bearer <token>" header',
    });
    const headers = await stranger.bearer(attendee(personId));
    expect(await failure(grpc().recordLocation({ checkIn: checkIn(personId, randomUUID()) }, { headers }))).toEqual({
      code: Code.Unauthenticated,
      message: "token is not signed by a known key",
    });
    const stream = grpc().streamCheckIns(batches(batch(1, [checkIn(personId, randomUUID())])), { headers });
    expect(
      await failure(
        (async () => {
          for await (const _ of stream);
        })(),
      ),
    ).toEqual({
      code: Code.Unauthenticated,
      message: "token is not signed by a known key",
    });
  });
});

describe("authorisation", () => {
  it("lets an attendee write only their own check-ins: PERMISSION_DENIED on unary calls, FORBIDDEN_PERSON in a stream", async () => {
    const me = uniquePersonId();
    const other = uniquePersonId();
    const headers = await keys.bearer(attendee(me));
    const [mine, theirs] = [randomUUID(), randomUUID()];

    expect(await failure(grpc().recordLocation({ checkIn: checkIn(other, randomUUID()) }, { headers }))).toEqual({
      code: Code.PermissionDenied,
      message: `this token may not write check-ins of person "${other}"`,
    });
    const responses = [];
    for await (const r of grpc().streamCheckIns(batches(batch(1, [checkIn(me, mine), checkIn(other, theirs)])), { headers })) {
      responses.push(plain(r).results);
    }

    expect(responses).toEqual([
      [accepted(mine), rejected(theirs, "FORBIDDEN_PERSON", `check_ins[1].person_id: this token may not write check-ins of person "${other}"`)],
    ]);
    expect((await harness.reader.records(locationsTopic, other)).length).toBe(0);
    expect((await harness.reader.records(locationsTopic, me)).map((r) => r.event.eventId)).toEqual([mine]);
  });

  it("lets an attendee register and update only its own person, and erase nobody", async () => {
    const me = uniquePersonId();
    const other = uniquePersonId();
    const headers = await keys.bearer(attendee(me));
    const notOther = {
      code: Code.PermissionDenied,
      message: `an attendee token may register or update only its own person ("${me}"), not "${other}"`,
    };

    expect(await failure(grpc().registerPerson(registration(other), { headers }))).toEqual(notOther);
    expect(await failure(grpc().updatePerson({ personId: other, lastName: "Byron" }, { headers }))).toEqual(notOther);
    expect(await failure(grpc().erasePerson({ personId: me }, { headers }))).toEqual({
      code: Code.PermissionDenied,
      message: "this call needs an operator token",
    });
    const registered = await grpc().registerPerson(registration(me), { headers });
    const updated = await grpc().updatePerson({ personId: me, lastName: "Byron" }, { headers });

    expect(registered.personId).toBe(me);
    expect((await harness.reader.records(personsTopic, other)).length).toBe(0);
    expect((await harness.reader.records(personsTopic, me)).map((r) => [r.event.eventId, r.event.payload.case])).toEqual([
      [registered.eventId, "personRegistered"],
      [updated.eventId, "personUpdated"],
    ]);
  });

  it("registers an attendee that leaves person_id empty under its own subject", async () => {
    const me = uniquePersonId();

    const registered = await grpc().registerPerson(registration(""), { headers: await keys.bearer(attendee(me)) });

    expect(registered.personId).toBe(me);
    const records = await harness.reader.records(personsTopic, me);
    expect(records.map((r) => [r.event.eventId, r.event.payload.value])).toEqual([[registered.eventId, expect.objectContaining(registration(me))]]);
  });

  it("refuses an analyst's registration", async () => {
    const personId = uniquePersonId();
    const headers = await keys.bearer({ subject: "staff", role: "analyst" });

    expect(await failure(grpc().registerPerson(registration(personId), { headers }))).toEqual({
      code: Code.PermissionDenied,
      message: "this call needs an operator token, or an attendee token for its own person",
    });
    expect((await harness.reader.records(personsTopic, personId)).length).toBe(0);
  });

  it("lets an operator register, update and erase a person, appending one event each", async () => {
    const personId = uniquePersonId();
    const headers = await keys.bearer(OPERATOR);

    const registered = await grpc().registerPerson(registration(personId), { headers });
    const updated = await grpc().updatePerson({ personId, lastName: "Byron" }, { headers });
    const erased = await grpc().erasePerson({ personId }, { headers });

    const records = await harness.reader.records(personsTopic, personId);
    expect(records.map((r) => [r.event.eventId, r.event.payload.case, r.event.payload.value])).toEqual([
      [registered.eventId, "personRegistered", expect.objectContaining(registration(personId))],
      [updated.eventId, "personUpdated", { $typeName: "udaconnect.v1.PersonUpdated", personId, lastName: "Byron" }],
      [erased.eventId, "personErased", { $typeName: "udaconnect.v1.PersonErased", personId }],
    ]);
    expect(erased.consistencyToken).not.toBe(updated.consistencyToken);
  });

  it("holds attendees to the retention window but lets an operator import years-old check-ins", async () => {
    const personId = uniquePersonId();
    const old = { ...checkIn(personId, randomUUID()), occurredAt: timestampFromDate(new Date("2020-07-07T10:37:06Z")) };

    expect(await failure(grpc().recordLocation({ checkIn: old }, { headers: await keys.bearer(attendee(personId)) }))).toEqual({
      code: Code.InvalidArgument,
      message: "check_in.occurred_at: must not be older than the retention limit (2024-04-01T12:00:00.000Z), got 2020-07-07T10:37:06.000Z",
    });
    const imported = await grpc().recordLocations(
      (async function* () {
        yield { checkIns: [old] };
      })(),
      { headers: await keys.bearer(OPERATOR) },
    );

    expect(imported.eventIds).toEqual([old.eventId]);
  });
});
