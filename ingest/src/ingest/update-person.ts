import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ErasePersonRequest, UpdatePersonRequest } from "@udaconnect/schemas";
import { carryOut, type Decision, type Outcome } from "./decision";
import { personErased, personUpdated } from "./events";
import { nameRule, personIdRule } from "./field-rules";
import type { Clock, IngestDependencies, NewId } from "./ports";
import { ViolationCollector, type RuleResult } from "./violations";

export interface PersonEventReply {
  readonly eventId: string;
}

type Deps = { readonly now: Clock; readonly newId: NewId };

/** A PersonUpdated with the fields given (at least one); absent fields keep their value downstream. */
export function decideUpdatePerson(request: UpdatePersonRequest, deps: Deps): Decision<PersonEventReply> {
  const check = new ViolationCollector();
  const personId = check.field("person_id", personIdRule(request.personId));
  const optionalName = (field: string, value: string | undefined) => (value === undefined ? undefined : check.field(field, nameRule(value)));
  const firstName = optionalName("first_name", request.firstName);
  const lastName = optionalName("last_name", request.lastName);
  const companyName = optionalName("company_name", request.companyName);
  if (request.firstName === undefined && request.lastName === undefined && request.companyName === undefined) {
    check.field("first_name", atLeastOne());
  }
  if (personId === undefined || check.violations.length > 0) {
    return { outcome: "rejected", violations: check.violations };
  }
  const eventId = deps.newId();
  const change = { eventId, personId, ...defined({ firstName, lastName, companyName }) };
  return { outcome: "accepted", events: [personUpdated(change, timestampFromDate(deps.now()))], reply: { eventId } };
}

export function decideErasePerson(request: ErasePersonRequest, deps: Deps): Decision<PersonEventReply> {
  const check = new ViolationCollector();
  const personId = check.field("person_id", personIdRule(request.personId));
  if (personId === undefined) {
    return { outcome: "rejected", violations: check.violations };
  }
  const eventId = deps.newId();
  return { outcome: "accepted", events: [personErased({ eventId, personId }, timestampFromDate(deps.now()))], reply: { eventId } };
}

export function updatePerson(request: UpdatePersonRequest, deps: IngestDependencies): Promise<Outcome<PersonEventReply>> {
  return carryOut(decideUpdatePerson(request, deps), deps.appendEvents);
}

/**
 * Destroys the person's data key, then appends PersonErased. In that order: once
 * the key is gone their sealed fields are unreadable in every copy of the log
 * whatever happens next, and a failed append is answered with an error the
 * operator retries (destroying nothing the second time).
 */
export async function erasePerson(request: ErasePersonRequest, deps: IngestDependencies): Promise<Outcome<PersonEventReply>> {
  const decision = decideErasePerson(request, deps);
  if (decision.outcome === "accepted") {
    await deps.destroyPersonKey(request.personId);
  }
  return carryOut(decision, deps.appendEvents);
}

function atLeastOne(): RuleResult<never> {
  return { ok: false, description: "at least one of first_name, last_name, company_name is required" };
}

function defined<T extends Record<string, string | undefined>>(fields: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Record<keyof T, string>>;
}
