import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { RegisterPersonRequest } from "@udaconnect/schemas";
import { carryOut, type Decision, type Outcome } from "./decision";
import { personRegistered } from "./events";
import { nameRule, personIdRule } from "./field-rules";
import type { Clock, IngestDependencies, NewId } from "./ports";
import { ViolationCollector } from "./violations";

export interface RegisterPersonReply {
  readonly personId: string;
  readonly eventId: string;
}

/** Checks a registration and turns it into one PersonRegistered event; an empty person_id gets a new id. */
export function decideRegisterPerson(request: RegisterPersonRequest, deps: { readonly now: Clock; readonly newId: NewId }): Decision<RegisterPersonReply> {
  const check = new ViolationCollector();
  const personId = request.personId === "" ? "" : check.field("person_id", personIdRule(request.personId));
  const firstName = check.field("first_name", nameRule(request.firstName));
  const lastName = check.field("last_name", nameRule(request.lastName));
  const companyName = check.field("company_name", nameRule(request.companyName));
  if (personId === undefined || firstName === undefined || lastName === undefined || companyName === undefined) {
    return { outcome: "rejected", violations: check.violations };
  }
  const registration = {
    personId: personId === "" ? deps.newId() : personId,
    eventId: deps.newId(),
    firstName,
    lastName,
    companyName,
  };
  return {
    outcome: "accepted",
    events: [personRegistered(registration, timestampFromDate(deps.now()))],
    reply: { personId: registration.personId, eventId: registration.eventId },
  };
}

export function registerPerson(request: RegisterPersonRequest, deps: IngestDependencies): Promise<Outcome<RegisterPersonReply>> {
  return carryOut(decideRegisterPerson(request, deps), deps.appendEvents);
}
