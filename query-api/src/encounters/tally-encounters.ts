import { pointOfHexEwkb } from "@udaconnect/migrations";
import { Column } from "./delimited-column";
import type { EncounterText } from "./encounter-statement";

/** The closest encounter with one person: the other's check-in there. */
export interface ClosestCheckIn {
  /** Spheroid metres, and the text PostgreSQL printed for them (the same double). */
  readonly distanceMetres: number;
  readonly distanceText: string;
  readonly latitude: number;
  readonly longitude: number;
  /** When the other checked in there, µs after the lookup's from. */
  readonly occurredAt: number;
}

/** Everything the answer says about one person met. */
export interface PersonMet {
  readonly id: string;
  /** The person's JSON text, in the API's Person shape. */
  readonly personJson: string;
  readonly encounters: number;
  /** When encounters happened, µs after the lookup's from: the later of the two check-ins of each pair. */
  readonly firstAt: number;
  readonly lastAt: number;
  readonly closest: ClosestCheckIn;
}

/** A person's tally while the pairs are read, with what orders its closest pair and where that pair's rest is. */
interface Tally {
  encounters: number;
  firstAt: number;
  lastAt: number;
  closestDistance: number;
  closestAt: number;
  closestOccurredAt: number;
  /** The closest pair's part, and where its fields are in that part's columns. */
  closestPart: number;
  closestEvent: number;
  closestDistanceText: number;
  closestPoint: number;
}

/**
 * Summarises the pairs of the statements of one lookup (one, or parts that split the
 * person's own check-ins between them, so every pair is in exactly one part) per registered
 * person met, ordered by first encounter, then person id in byte order (ids are ASCII, so
 * JavaScript's string order is byte order). Pairs of a person not registered are left out.
 * A crowded day has ~2,500 pairs with ~1,500 people: the columns are read in place, and only
 * the closest pair of each person is read whole, once, at the end.
 */
export function tallyEncounters(parts: readonly EncounterText[]): PersonMet[] {
  const tally = new EncounterTally();
  for (const part of parts) {
    tally.add(part);
  }
  return tally.personsMet();
}

/**
 * tallyEncounters one part at a time: a part can be tallied as soon as it arrives, while
 * PostgreSQL still runs the others.
 */
export class EncounterTally {
  readonly #tallies = new Map<string, Tally>();
  readonly #columns: PairColumns[] = [];
  readonly #personJson = new Map<string, string>();
  /** The own check-ins' times, which every part lists (the parts only split the probing). */
  #own: number[] | undefined;

  add(part: EncounterText): void {
    addPersonJson(this.#personJson, part);
    if (this.#own === undefined && part.own !== null) {
      this.#own = part.own.split(",").map(Number);
    }
    const own = this.#own ?? [];
    const p = this.#columns.length;
    const columns = columnsOf(part);
    this.#columns.push(columns);
    const { person, event, n, occurred, distance, point } = columns;
    while (person.next()) {
      if (!(event.next() && n.next() && occurred.next() && distance.next() && point.next())) {
        throw new Error("the encounter columns hold different numbers of pairs");
      }
      const ownAt = own[n.integer() - 1];
      if (ownAt === undefined) {
        throw new Error(`an encounter names own check-in ${n.text()}, which is not listed`);
      }
      const occurredAt = occurred.integer();
      const at = Math.max(ownAt, occurredAt);
      const metres = Number(distance.text());
      const id = person.text();
      const tally = this.#tallies.get(id);
      if (tally === undefined) {
        this.#tallies.set(id, {
          encounters: 1,
          firstAt: at,
          lastAt: at,
          closestDistance: metres,
          closestAt: at,
          closestOccurredAt: occurredAt,
          closestPart: p,
          closestEvent: event.start,
          closestDistanceText: distance.start,
          closestPoint: point.start,
        });
        continue;
      }
      tally.encounters += 1;
      tally.firstAt = Math.min(tally.firstAt, at);
      tally.lastAt = Math.max(tally.lastAt, at);
      // Ties on distance go to the earlier encounter, then to the lower event id (uuid order is its text's order).
      const closer =
        metres !== tally.closestDistance
          ? metres < tally.closestDistance
          : at !== tally.closestAt
            ? at < tally.closestAt
            : event.text() < this.#columnsOf(tally.closestPart).event.textAt(tally.closestEvent);
      if (closer) {
        tally.closestDistance = metres;
        tally.closestAt = at;
        tally.closestOccurredAt = occurredAt;
        tally.closestPart = p;
        tally.closestEvent = event.start;
        tally.closestDistanceText = distance.start;
        tally.closestPoint = point.start;
      }
    }
  }

  /** The registered people met so far, by first encounter, then id. */
  personsMet(): PersonMet[] {
    const met: PersonMet[] = [];
    for (const [id, tally] of this.#tallies) {
      const json = this.#personJson.get(id);
      if (json !== undefined) {
        const { distance, point } = this.#columnsOf(tally.closestPart);
        const { latitude, longitude } = pointOfHexEwkb(point.textAt(tally.closestPoint));
        met.push({
          id,
          personJson: json,
          encounters: tally.encounters,
          firstAt: tally.firstAt,
          lastAt: tally.lastAt,
          closest: {
            distanceMetres: tally.closestDistance,
            distanceText: distance.textAt(tally.closestDistanceText),
            latitude,
            longitude,
            occurredAt: tally.closestOccurredAt,
          },
        });
      }
    }
    return met.sort((a, b) => a.firstAt - b.firstAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  #columnsOf(part: number): PairColumns {
    const found = this.#columns[part];
    if (found === undefined) {
      throw new Error(`no part ${part}`);
    }
    return found;
  }
}

interface PairColumns {
  readonly person: Column;
  readonly event: Column;
  readonly n: Column;
  readonly occurred: Column;
  readonly distance: Column;
  readonly point: Column;
}

function columnsOf(part: EncounterText): PairColumns {
  return {
    person: new Column(part.pair_person),
    event: new Column(part.pair_event),
    n: new Column(part.pair_own),
    occurred: new Column(part.pair_occurred),
    distance: new Column(part.pair_distance),
    point: new Column(part.pair_point),
  };
}

/** Adds the registered people a part met: id → their JSON (each part lists those of its own pairs). */
function addPersonJson(personJson: Map<string, string>, part: EncounterText): void {
  const persons = part.persons ?? "";
  for (let start = 0; start < persons.length; ) {
    const newline = persons.indexOf("\n", start);
    const end = newline === -1 ? persons.length : newline;
    const tab = persons.indexOf("\t", start);
    personJson.set(persons.slice(start, tab), persons.slice(tab + 1, end));
    start = end + 1;
  }
}
