import type { FastifyInstance } from "fastify";
import { testWithReadModels } from "@udaconnect/test-support/fixtures";
import { buildApp, type AppDependencies } from "../src/app";
import { createDatabase, type DatabaseOptions, type ReadModelDatabase } from "../src/postgres/create-database";
import { startQueryApi, type QueryApiOptions, type RunningQueryApi } from "../src/server";
import { appDependencies, queryApiOptions } from "./query-api-options";

/** Builds another app on the test's read models, with other dependencies than `app` has. */
export type BuildAppWith = (deps?: Partial<AppDependencies>) => Promise<FastifyInstance>;

/** Opens the API's own client on a database of the test's choosing (other options, or one that is down). */
export type ConnectDatabase = (url: string, options?: DatabaseOptions) => ReadModelDatabase;

/** Starts the API as main.ts does, on the test's database and port 0; auth off unless options say otherwise. */
export type StartServer = (options?: Partial<Omit<QueryApiOptions, "databaseUrl" | "port">>) => Promise<RunningQueryApi>;

/**
 * A test with `readModels` (a fresh database on the API's own client), `app` (the API on it,
 * auth off, for app.inject), `buildAppWith` (more apps on it, other dependencies),
 * `startServer` (the API listening, for requests over a real socket) and `connectDatabase`
 * (more clients, e.g. for an app on other read models). Each is made when a test names it, and
 * everything it made is closed after the test whether it passed or not.
 */
export const apiTest = testWithReadModels({ client: createDatabase }).extend<{
  app: FastifyInstance;
  buildAppWith: BuildAppWith;
  startServer: StartServer;
  connectDatabase: ConnectDatabase;
}>({
  app: async ({ readModels }, use) => {
    const app = await buildApp(appDependencies({ readModels, auth: "disabled" }));
    try {
      await use(app);
    } finally {
      await app.close();
    }
  },
  buildAppWith: async ({ readModels }, use) => {
    const apps: FastifyInstance[] = [];
    try {
      await use(async (deps = {}) => {
        const app = await buildApp(appDependencies({ readModels, auth: "disabled", ...deps }));
        apps.push(app);
        return app;
      });
    } finally {
      await Promise.all(apps.map((app) => app.close()));
    }
  },
  startServer: async ({ readModels }, use) => {
    const servers: RunningQueryApi[] = [];
    try {
      await use(async (options: Parameters<StartServer>[0] = {}) => {
        const server = await startQueryApi(queryApiOptions({ auth: "disabled", ...options, databaseUrl: readModels.url, port: 0 }));
        servers.push(server);
        return server;
      });
    } finally {
      await Promise.all(servers.map((server) => server.close()));
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  connectDatabase: async ({}, use) => {
    const clients: ReadModelDatabase[] = [];
    try {
      await use((url, options) => {
        const client = createDatabase(url, options);
        clients.push(client);
        return client;
      });
    } finally {
      await Promise.all(clients.map((client) => client.destroy()));
    }
  },
});
