import { sql, type Transaction } from "kysely";
import { homeSchemaOf, type Database } from "@udaconnect/migrations";
import type { GenerationTarget } from "../projection/ports";

/**
 * Points the transaction's unqualified names at the target generation, and
 * holds its bookkeeping row FOR SHARE until commit: a switch (FOR UPDATE) waits
 * for the batch, and a batch after it sees where the generation went.
 */
export async function enterGeneration(trx: Transaction<Database>, target: GenerationTarget): Promise<string> {
  const schema = await schemaOf(trx, target);
  await sql`SELECT set_config('search_path', ${schema === "public" ? "public" : `${schema}, public`}, true)`.execute(trx);
  return schema;
}

async function schemaOf(trx: Transaction<Database>, target: GenerationTarget): Promise<string> {
  if (target.kind === "live") {
    const { rows } = await sql<{ generation: number }>`SELECT generation FROM public.read_model_live FOR SHARE`.execute(trx);
    if (rows.length === 0) {
      throw new Error("the database has no live read-model generation: run the migrate command first");
    }
    return "public";
  }
  const { rows } = await sql<{ status: string }>`
    SELECT status FROM public.read_model_generation WHERE generation = ${target.generation} FOR SHARE
  `.execute(trx);
  const status = rows[0]?.status;
  if (status === undefined) {
    throw new Error(`read-model generation ${target.generation} does not exist (dropped?)`);
  }
  return status === "live" ? "public" : homeSchemaOf(target.generation);
}
