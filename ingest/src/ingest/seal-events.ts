import { sealPersonDetails, sealPosition, type DataKey, type Event, type LocationRecorded } from "@udaconnect/schemas";
import type { AppendEvents, OutgoingEvent } from "./ports";

/**
 * The data key of each person named, made where the person has none yet
 * (their first registration or check-in). Rejects when the key store cannot
 * be reached: nothing is appended unsealed.
 */
export type PersonKeys = (personIds: readonly string[]) => Promise<ReadonlyMap<string, DataKey>>;

/**
 * Crypto-shredding (docs/erasure.md): the personal fields of every event are
 * sealed with its person's data key before the event reaches the log, so that
 * destroying the key (ErasePerson) erases them from every copy of the log.
 * Deciding stays pure: the decide* functions build plaintext events and this
 * step, between them and the log, seals them.
 */
export function sealingAppend(append: AppendEvents, personKeys: PersonKeys): AppendEvents {
  return async (events) => {
    const personIds = events.filter((e) => carriesPersonalFields(e.event)).map((e) => e.key);
    if (personIds.length === 0) {
      return append(events);
    }
    return append(sealEvents(events, await personKeys(personIds)));
  };
}

export function sealEvents(events: readonly OutgoingEvent[], keys: ReadonlyMap<string, DataKey>): OutgoingEvent[] {
  return events.map((outgoing) => {
    if (!carriesPersonalFields(outgoing.event)) {
      return outgoing;
    }
    const key = keys.get(outgoing.key);
    if (key === undefined) {
      throw new Error(`no data key for person ${JSON.stringify(outgoing.key)}`);
    }
    return { ...outgoing, event: sealEvent(outgoing.event, key) };
  });
}

function carriesPersonalFields(event: Event): boolean {
  const { payload } = event;
  return payload.case === "locationRecorded" || payload.case === "personRegistered" || payload.case === "personUpdated";
}

/**
 * Literals, not create(): one per check-in on the hot path (see locationRecorded in events.ts).
 * A check-in's sealed event is written out field by field, without rest or spread: V8 gives every
 * object made by `{ ...rest }` or by a spread that adds a field a shape of its own, which cost
 * ~7 µs per check-in here.
 */
function sealEvent(event: Event, key: DataKey): Event {
  const { payload } = event;
  switch (payload.case) {
    case "locationRecorded": {
      const { $typeName, eventId, personId, latitude, longitude, accuracyM, occurredAt, recordedAt } = payload.value;
      const sealedPosition = sealPosition(key, { eventId: event.eventId, personId }, { latitude, longitude, accuracyM });
      const value: LocationRecorded = { $typeName, eventId, personId, latitude: 0, longitude: 0, occurredAt, recordedAt, sealedPosition };
      return {
        $typeName: event.$typeName,
        eventId: event.eventId,
        type: event.type,
        recordedAt: event.recordedAt,
        payload: { case: "locationRecorded", value },
      };
    }
    case "personRegistered": {
      const { firstName, lastName, companyName, personId } = payload.value;
      const sealedDetails = sealPersonDetails(key, { eventId: event.eventId, personId }, { firstName, lastName, companyName });
      return { ...event, payload: { case: "personRegistered", value: { ...payload.value, firstName: "", lastName: "", companyName: "", sealedDetails } } };
    }
    case "personUpdated": {
      const { firstName, lastName, companyName, personId, $typeName } = payload.value;
      const details = { ...present({ firstName, lastName, companyName }) };
      const sealedDetails = sealPersonDetails(key, { eventId: event.eventId, personId }, details);
      return { ...event, payload: { case: "personUpdated", value: { $typeName, personId, sealedDetails } } };
    }
    default:
      return event;
  }
}

function present(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
}
