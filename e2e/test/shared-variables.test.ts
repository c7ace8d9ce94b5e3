import { INGEST_SCHEMA, loadConfig as loadIngestConfig } from "@udaconnect/ingest";
import { PROJECTOR_SCHEMA, loadConfig as loadProjectorConfig } from "@udaconnect/projector";
import { QUERY_API_SCHEMA, loadConfig as loadQueryApiConfig } from "@udaconnect/query-api";
import { SCRIPTS_SCHEMA, loadConfig as loadScriptsConfig } from "@udaconnect/scripts/config";
import { describe, expect, it } from "vitest";

/** Every process that reads the shared variables: its own config reader and its declarations. */
const READERS = {
  ingest: { load: loadIngestConfig, schema: INGEST_SCHEMA },
  projector: { load: loadProjectorConfig, schema: PROJECTOR_SCHEMA },
  "query-api": { load: loadQueryApiConfig, schema: QUERY_API_SCHEMA },
  scripts: { load: loadScriptsConfig, schema: SCRIPTS_SCHEMA },
} satisfies Record<string, { load: (env: Env) => unknown; schema: { settings: Record<string, Declared> } }>;

type Reader = keyof typeof READERS;

type Env = Readonly<Record<string, string | undefined>>;

/** What a declaration says of itself: the variables it reads and its one line. */
interface Declared {
  readonly names: readonly string[];
  readonly description: string;
}

/** What every reader requires, so that an environment is wrong only where a case makes it wrong. */
const VALID: Env = {
  KAFKA_BROKERS: "127.0.0.1:19092",
  AUTH_DISABLED: "true",
  DATABASE_URL: "postgres://udaconnect@127.0.0.1:54329/udaconnect",
  KEYSTORE_DATABASE_URL: "postgres://udaconnect_keystore@127.0.0.1:54329/udaconnect",
  UDACONNECT_MASTER_KEYS_FILE: "/keys/master-keys.json",
};

function problemsOf(reader: Reader, env: Env): readonly string[] {
  try {
    READERS[reader].load(env);
    return [];
  } catch (error) {
    // A ConfigError (@udaconnect/config), which lists every problem.
    if (error instanceof Error && "problems" in error && Array.isArray(error.problems)) {
      return error.problems;
    }
    throw error;
  }
}

function descriptionsOf(name: string): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(READERS).map(([reader, { schema }]) => [
      reader,
      Object.values<Declared>(schema.settings)
        .filter((setting) => setting.names.includes(name))
        .map((setting) => setting.description),
    ]),
  );
}

describe("the variables several processes read", () => {
  it("given the required variables, when every process reads them, then none has a problem", () => {
    expect((Object.keys(READERS) as Reader[]).map((reader) => problemsOf(reader, VALID))).toEqual([[], [], [], []]);
  });

  it.each<{ variable: string; env: Env; readers: Reader[]; problem: string }>([
    {
      variable: "KAFKA_BROKERS",
      env: { KAFKA_BROKERS: "kafka" },
      readers: ["ingest", "projector", "query-api", "scripts"],
      problem: 'KAFKA_BROKERS must be host:port entries separated by commas, got "kafka"',
    },
    {
      variable: "KAFKA_BROKERS",
      env: { KAFKA_BROKERS: undefined },
      readers: ["ingest", "projector"],
      problem: 'KAFKA_BROKERS is required, e.g. "127.0.0.1:19092" or "kafka-0:9092,kafka-1:9092"',
    },
    {
      variable: "TOPIC_NAMESPACE",
      env: { TOPIC_NAMESPACE: "a b" },
      readers: ["ingest", "projector", "query-api", "scripts"],
      problem: 'TOPIC_NAMESPACE may hold only [A-Za-z0-9._-] (at most 100), got "a b"',
    },
    {
      variable: "LOG_LEVEL",
      env: { LOG_LEVEL: "loud" },
      readers: ["ingest", "projector", "query-api"],
      problem: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    },
    {
      variable: "AUTH_JWKS_FILE",
      env: { AUTH_DISABLED: undefined },
      readers: ["ingest", "query-api"],
      problem: "AUTH_JWKS_FILE is required: the JWKS file whose keys verify bearer tokens; AUTH_DISABLED=true turns auth off for local experiments",
    },
    {
      variable: "AUTH_JWKS_FILE",
      env: { AUTH_JWKS_FILE: "/keys/jwks.json" },
      readers: ["ingest", "query-api"],
      problem: "set either AUTH_JWKS_FILE or AUTH_DISABLED=true, not both",
    },
    {
      variable: "LOCATION_RETENTION",
      env: { LOCATION_RETENTION: "90 days" },
      readers: ["ingest", "projector"],
      problem: 'LOCATION_RETENTION must be "forever" or a positive duration like "90d", "12h", "30m", "3600s" or "2w", got "90 days"',
    },
    {
      variable: "KAFKA_SECURITY_PROTOCOL",
      env: { KAFKA_SECURITY_PROTOCOL: "TLS" },
      readers: ["ingest", "projector", "query-api"],
      problem: 'KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL, SASL_SSL, SASL_PLAINTEXT, got "TLS"',
    },
  ])("$variable: given $env, when each process reads it, then $readers list the same problem and the others none", ({ env, readers, problem }) => {
    const problems = Object.fromEntries((Object.keys(READERS) as Reader[]).map((reader) => [reader, problemsOf(reader, { ...VALID, ...env })]));

    expect(problems).toEqual(Object.fromEntries((Object.keys(READERS) as Reader[]).map((reader) => [reader, readers.includes(reader) ? [problem] : []])));
  });

  it.each([
    ["KAFKA_BROKERS", ["ingest", "projector", "query-api", "scripts"]],
    ["TOPIC_NAMESPACE", ["ingest", "projector", "query-api", "scripts"]],
    ["LOG_LEVEL", ["ingest", "projector", "query-api"]],
    ["AUTH_JWKS_FILE", ["ingest", "query-api"]],
    ["LOCATION_RETENTION", ["ingest", "projector"]],
  ])("every process that reads %s describes it in the same words", (name, readers) => {
    const descriptions = descriptionsOf(name);
    const [first] = descriptions[readers[0] ?? ""] ?? [];

    expect(first).toEqual(expect.any(String));
    expect(descriptions).toEqual(Object.fromEntries(Object.keys(READERS).map((reader) => [reader, readers.includes(reader) ? [first] : []])));
  });
});
