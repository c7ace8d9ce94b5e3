import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseLocationDump, parsePersonDump, type DumpProblem } from "./legacy-dump";
import { planLegacyImport, type LegacyImportPlan } from "./legacy-plan";

export const PERSON_DUMP = "udaconnect_public_person.sql";
export const LOCATION_DUMP = "udaconnect_public_location.sql";

export interface DumpDirPlan {
  readonly plan: LegacyImportPlan;
  /** Lines of the dump files that could not be read, by file. */
  readonly problems: readonly (DumpProblem & { file: string })[];
}

/** Plans the import of a folder holding the two legacy dump files. */
export async function planDumpDirectory(directory: string): Promise<DumpDirPlan> {
  const read = (file: string) =>
    readFile(join(directory, file), "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new Error(`cannot read ${join(directory, file)}: ${error.code ?? error.message}`, { cause: error });
    });
  const persons = parsePersonDump(await read(PERSON_DUMP));
  const locations = parseLocationDump(await read(LOCATION_DUMP));
  return {
    plan: planLegacyImport(persons.rows, locations.rows),
    problems: [...persons.problems.map((p) => ({ ...p, file: PERSON_DUMP })), ...locations.problems.map((p) => ({ ...p, file: LOCATION_DUMP }))],
  };
}
