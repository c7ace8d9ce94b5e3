import { describe, expect, it } from "vitest";
import { mayManagePerson, registrantId } from "../src/ingest/access";

const ada = { subject: "ada", role: "attendee" } as const;

describe("who may register and update a person", () => {
  it("lets operators (and anyone with auth disabled) manage every person", () => {
    expect(mayManagePerson({ subject: "ops", role: "operator" }, "ada")).toEqual({ allowed: true });
    expect(mayManagePerson("anyone", "ada")).toEqual({ allowed: true });
  });

  it("lets an attendee manage only the person its token speaks for", () => {
    expect(mayManagePerson(ada, "ada")).toEqual({ allowed: true });
    expect(mayManagePerson(ada, "bob")).toEqual({
      allowed: false,
      reason: 'an attendee token may register or update only its own person ("ada"), not "bob"',
    });
  });

  it("refuses analysts", () => {
    expect(mayManagePerson({ subject: "staff", role: "analyst" }, "ada")).toEqual({
      allowed: false,
      reason: "this call needs an operator token, or an attendee token for its own person",
    });
  });

  it("registers an attendee that names no person as itself, and leaves everyone else's request as it is", () => {
    expect(registrantId(ada, "")).toBe("ada");
    expect(registrantId(ada, "bob")).toBe("bob");
    expect(registrantId({ subject: "ops", role: "operator" }, "")).toBe("");
    expect(registrantId("anyone", "")).toBe("");
  });
});
