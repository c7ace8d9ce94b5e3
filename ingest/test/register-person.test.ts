import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { EventSchema, PersonRegisteredSchema, RegisterPersonRequestSchema, personsTopic } from "@udaconnect/schemas";
import { decideRegisterPerson } from "../src/ingest/register-person";
import { NOW, fixedClock, sequentialIds } from "./fakes";

const request = (fields: Partial<{ personId: string; firstName: string; lastName: string; companyName: string }>) =>
  create(RegisterPersonRequestSchema, { firstName: "Ada", lastName: "Lovelace", companyName: "Analytical Engines", ...fields });

describe("RegisterPerson", () => {
  it("turns a valid registration into one PersonRegistered event keyed by the person id", () => {
    const decision = decideRegisterPerson(request({ personId: "5" }), { now: fixedClock, newId: sequentialIds() });

    expect(decision).toEqual({
      outcome: "accepted",
      reply: { personId: "5", eventId: "00000000-0000-7000-8000-000000000001" },
      events: [
        {
          topic: personsTopic,
          key: "5",
          event: create(EventSchema, {
            eventId: "00000000-0000-7000-8000-000000000001",
            type: "udaconnect.v1.PersonRegistered",
            recordedAt: timestampFromDate(NOW),
            payload: {
              case: "personRegistered",
              value: create(PersonRegisteredSchema, {
                personId: "5",
                firstName: "Ada",
                lastName: "Lovelace",
                companyName: "Analytical Engines",
              }),
            },
          }),
        },
      ],
    });
  });

  it("assigns a person id when the request leaves it empty", () => {
    const decision = decideRegisterPerson(request({ personId: "" }), { now: fixedClock, newId: sequentialIds() });

    expect(decision.outcome === "accepted" && decision.reply).toEqual({
      personId: "00000000-0000-7000-8000-000000000001",
      eventId: "00000000-0000-7000-8000-000000000002",
    });
    expect(decision.outcome === "accepted" && decision.events[0]?.key).toBe("00000000-0000-7000-8000-000000000001");
  });

  it("stores names without surrounding whitespace", () => {
    const decision = decideRegisterPerson(request({ firstName: "  Ada ", lastName: "\tLovelace\n" }), {
      now: fixedClock,
      newId: sequentialIds(),
    });

    const payload = decision.outcome === "accepted" ? decision.events[0]?.event.payload.value : undefined;
    expect(payload).toMatchObject({ firstName: "Ada", lastName: "Lovelace" });
  });

  it("accepts names of exactly 200 characters, counting characters rather than UTF-16 units", () => {
    const decision = decideRegisterPerson(request({ firstName: "é".repeat(200), lastName: "😀".repeat(200) }), {
      now: fixedClock,
      newId: sequentialIds(),
    });

    expect(decision.outcome).toBe("accepted");
  });

  it("names every refused field at once", () => {
    const decision = decideRegisterPerson(request({ personId: "no spaces", firstName: "   ", lastName: "x".repeat(201), companyName: "" }), {
      now: fixedClock,
      newId: sequentialIds(),
    });

    expect(decision).toEqual({
      outcome: "rejected",
      violations: [
        { field: "person_id", description: 'must be 1-64 characters of [A-Za-z0-9_-], got "no spaces"' },
        { field: "first_name", description: "required" },
        { field: "last_name", description: "must be at most 200 characters, got 201" },
        { field: "company_name", description: "required" },
      ],
    });
  });

  it("shortens a long refused person id in the message", () => {
    const decision = decideRegisterPerson(request({ personId: "x".repeat(100) }), { now: fixedClock, newId: sequentialIds() });

    expect(decision.outcome === "rejected" && decision.violations).toEqual([
      { field: "person_id", description: `must be 1-64 characters of [A-Za-z0-9_-], got "${"x".repeat(67)}..."` },
    ]);
  });
});
