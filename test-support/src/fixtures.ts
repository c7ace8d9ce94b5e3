import { inject, test } from "vitest";
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from "./database";
import "./provided-context";

/**
 * Vitest's `test` with a `readModels` fixture: a fresh migrated database on the run's
 * PostGIS, made when a test first names it and dropped after that test whether it passed
 * or failed. `options.client` is the service's own client factory, as in createTestDatabase.
 */
export function testWithReadModels(options: TestDatabaseOptions = {}) {
  return test.extend<{ readModels: TestDatabase }>({
    // Vitest reads a fixture's dependencies from the first parameter's destructuring: none here.
    // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
    readModels: async ({}, use) => {
      const readModels = await createTestDatabase(inject("databaseUrl"), options);
      try {
        await use(readModels);
      } finally {
        await readModels.drop();
      }
    },
  });
}
