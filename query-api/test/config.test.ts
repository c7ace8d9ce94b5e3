import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";

describe("loadConfig", () => {
  it("applies the defaults around a DATABASE_URL", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://udaconnect@127.0.0.1:54329/udaconnect" })).toEqual({
      databaseUrl: "postgres://udaconnect@127.0.0.1:54329/udaconnect",
      host: "127.0.0.1",
      port: 8080,
      logLevel: "info",
    });
  });

  it("reads every variable", () => {
    const env = { DATABASE_URL: "postgresql://db/rm", QUERY_API_HOST: "0.0.0.0", QUERY_API_PORT: "0", LOG_LEVEL: "warn" };

    expect(loadConfig(env)).toEqual({ databaseUrl: "postgresql://db/rm", host: "0.0.0.0", port: 0, logLevel: "warn" });
  });

  it("fails listing every problem at once", () => {
    expect(() => loadConfig({ QUERY_API_PORT: "80a", LOG_LEVEL: "loud" })).toThrow(
      "query-api configuration is invalid:\n" +
        "- DATABASE_URL is not set (e.g. postgres://udaconnect@127.0.0.1:54329/udaconnect)\n" +
        '- QUERY_API_PORT must be an integer from 0 to 65535, got "80a"\n' +
        '- LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
  });

  it.each([
    [{ DATABASE_URL: "mysql://db/rm" }, "DATABASE_URL must be a postgres:// or postgresql:// URL"],
    [{ DATABASE_URL: "postgres://db/rm", QUERY_API_PORT: "65536" }, 'QUERY_API_PORT must be an integer from 0 to 65535, got "65536"'],
    [{ DATABASE_URL: "postgres://db/rm", QUERY_API_PORT: "-1" }, 'QUERY_API_PORT must be an integer from 0 to 65535, got "-1"'],
  ])("rejects %j", (env, problem) => {
    expect(() => loadConfig(env)).toThrow(`query-api configuration is invalid:\n- ${problem}`);
  });
});
