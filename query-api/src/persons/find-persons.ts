import type { Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { Person } from "./person";

/** Every registered person, by name (then id, so the order is total). */
export async function listPersons(db: Kysely<Database>): Promise<Person[]> {
  return db.selectFrom("person").select(["id", "first_name", "last_name", "company_name"]).orderBy("last_name").orderBy("first_name").orderBy("id").execute();
}

/** The registered person with this id, or undefined when nobody registered under it. */
export async function findPerson(db: Kysely<Database>, personId: string): Promise<Person | undefined> {
  return db.selectFrom("person").select(["id", "first_name", "last_name", "company_name"]).where("id", "=", personId).executeTakeFirst();
}
