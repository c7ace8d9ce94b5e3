import type { AddressInfo } from "node:net";
import type { LogLevel } from "./config";
import { buildApp } from "./app";
import { createDatabase } from "./postgres/create-database";

export interface QueryApiOptions {
  readonly databaseUrl: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  /** Omitted: no logging. */
  readonly logLevel?: LogLevel;
}

export interface RunningQueryApi {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, lets in-flight requests finish, then closes the pool. */
  close(): Promise<void>;
}

export async function startQueryApi(options: QueryApiOptions): Promise<RunningQueryApi> {
  const db = createDatabase(options.databaseUrl);
  try {
    const app = await buildApp({ db, logLevel: options.logLevel });
    const host = options.host ?? "127.0.0.1";
    await app.listen({ host, port: options.port ?? 8080 });
    const { port } = app.server.address() as AddressInfo;
    return {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      port,
      close: async () => {
        try {
          await app.close();
        } finally {
          await db.destroy();
        }
      },
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
