import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { Person } from "./person";

/** Where a page of persons ends: the sort key of its last person. */
export interface PersonCursor {
  readonly lastName: string;
  readonly firstName: string;
  readonly id: string;
}

export interface PersonsPage {
  readonly persons: Person[];
  /** Undefined on the last page. */
  readonly next?: PersonCursor;
}

export interface PersonsPageRequest {
  readonly limit: number;
  readonly after?: PersonCursor;
  /** Case-insensitive substring of "first last" (or "last first"). */
  readonly search?: string;
}

/**
 * Keyset pagination by (last_name, first_name, id): a page never repeats or skips a
 * person that existed before and after it was read, whatever registers in between.
 */
export async function pagePersons(db: Kysely<Database>, request: PersonsPageRequest): Promise<PersonsPage> {
  let query = db
    .selectFrom("person")
    .select(["id", "first_name", "last_name", "company_name"])
    .orderBy("last_name")
    .orderBy("first_name")
    .orderBy("id")
    .limit(request.limit + 1);
  const { after, search } = request;
  if (after !== undefined) {
    query = query.where(sql<boolean>`(last_name, first_name, id) > (${after.lastName}, ${after.firstName}, ${after.id})`);
  }
  if (search !== undefined && search !== "") {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb(sql<string>`first_name || ' ' || last_name`, "ilike", pattern), eb(sql<string>`last_name || ' ' || first_name`, "ilike", pattern)]),
    );
  }
  const rows = await query.execute();
  const persons = rows.slice(0, request.limit);
  const last = persons.at(-1);
  return rows.length > request.limit && last !== undefined
    ? { persons, next: { lastName: last.last_name, firstName: last.first_name, id: last.id } }
    : { persons };
}
