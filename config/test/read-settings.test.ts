import { describe, expect, it } from "vitest";
import { ConfigError, boolean, failOnProblems, integer, optionalVariable, readSettings, requiredVariable, text, variable, type Env } from "../src/index";

const SCHEMA = {
  service: "gateway",
  ownPrefixes: ["GATEWAY_"],
  othersNames: ["GATEWAY_URL"],
  settings: {
    port: variable({ name: "GATEWAY_PORT", default: 8080, parse: integer({ min: 1, max: 65_535 }), description: "port" }),
    open: variable({ name: "GATEWAY_OPEN", default: false, parse: boolean, description: "no tokens" }),
    database: requiredVariable({ name: "DATABASE_URL", missing: "DATABASE_URL is not set", parse: text, description: "database" }),
    tokenFile: optionalVariable({ name: "GATEWAY_TOKEN_FILE", parse: text, description: "token" }),
  },
};

function load(env: Env) {
  const { values, problems } = readSettings(env, SCHEMA);
  failOnProblems("gateway configuration is invalid:", problems);
  return values;
}

describe("readSettings", () => {
  it("given the required variable only, when read, then every default applies", () => {
    expect(load({ DATABASE_URL: "postgres://db" })).toEqual({ port: 8080, open: false, database: "postgres://db", tokenFile: undefined });
  });

  it("given an empty variable, when read, then it counts as unset", () => {
    expect(load({ DATABASE_URL: "postgres://db", GATEWAY_PORT: "", GATEWAY_TOKEN_FILE: "" })).toMatchObject({ port: 8080, tokenFile: undefined });
  });

  it("given several malformed variables and a missing one, when read, then one error lists them all in declaration order", () => {
    let thrown: unknown;
    try {
      load({ GATEWAY_OPEN: "yes", GATEWAY_PORT: "http" });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toBe(
      [
        "gateway configuration is invalid:",
        '- GATEWAY_PORT must be an integer from 1 to 65535, got "http"',
        '- GATEWAY_OPEN must be "true" or "false", got "yes"',
        "- DATABASE_URL is not set",
      ].join("\n"),
    );
    expect((thrown as ConfigError).problems).toHaveLength(3);
  });

  it("given a misspelt name of the own prefix, when read, then it is refused with the name it resembles", () => {
    expect(() => load({ DATABASE_URL: "postgres://db", GATEWAY_PORTT: "80", GATEWAY_OPNE: "true" })).toThrow(
      [
        "gateway configuration is invalid:",
        "- GATEWAY_OPNE is set, but gateway reads no such variable (did you mean GATEWAY_OPEN?)",
        "- GATEWAY_PORTT is set, but gateway reads no such variable (did you mean GATEWAY_PORT?)",
      ].join("\n"),
    );
  });

  it("given an unknown name of the own prefix that resembles none, when read, then the error lists the prefix's variables", () => {
    expect(() => load({ DATABASE_URL: "postgres://db", GATEWAY_LISTEN: "0.0.0.0" })).toThrow(
      "GATEWAY_LISTEN is set, but gateway reads no such variable (the GATEWAY_ variables are GATEWAY_PORT, GATEWAY_OPEN, GATEWAY_TOKEN_FILE, GATEWAY_URL)",
    );
  });

  it("given other programs' variables (another prefix, or a name the schema names as others'), when read, then they pass", () => {
    expect(load({ DATABASE_URL: "postgres://db", GATEWAY_URL: "http://gateway", PROJECTOR_PORTT: "1", HOME: "/root" })).toMatchObject({ port: 8080 });
  });
});
