import type { Env, Setting } from "./settings";

export type Settings = Readonly<Record<string, Setting<unknown>>>;

export type Values<S extends Settings> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** What a process reads from its environment. */
export interface Schema<S extends Settings> {
  /** The process, as the messages name it: "ingest". */
  readonly service: string;
  /**
   * Prefixes only this process reads (INGEST_): a variable with one of them that no setting
   * reads is a typo (INGEST_PORTT), refused rather than silently ignored. Shared prefixes
   * (UDACONNECT_, KAFKA_) are left out: other programs' variables reach a process through an
   * inherited shell. Kubernetes' service links (INGEST_PORT=tcp://…) would trip it; every pod
   * of ours sets enableServiceLinks: false.
   */
  readonly ownPrefixes: readonly string[];
  /** Names with an own prefix that other programs read, so not typos (INGEST_URL: the scripts' address of the gateway). */
  readonly othersNames?: readonly string[];
  readonly settings: S;
}

/**
 * Reads every setting of `schema`, in order, and returns the values with every problem found,
 * unknown names of the own prefixes last. The caller adds its cross-variable rules to
 * `problems` and throws ConfigError when there are any; values beside a problem are not to be used.
 */
export function readSettings<S extends Settings>(env: Env, schema: Schema<S>): { values: Values<S>; problems: string[] } {
  const problems: string[] = [];
  const values = Object.fromEntries(Object.entries(schema.settings).map(([key, setting]) => [key, setting.read(env, problems)]));
  problems.push(...unknownVariables(env, schema));
  return { values: values as Values<S>, problems };
}

/** Every problem of a process's configuration in one error, so a deployment is fixed in one round. */
export class ConfigError extends Error {
  constructor(
    heading: string,
    readonly problems: readonly string[],
  ) {
    super(`${heading}\n- ${problems.join("\n- ")}`);
    this.name = "ConfigError";
  }
}

/** Throws a ConfigError headed `heading` when `problems` holds any. */
export function failOnProblems(heading: string, problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new ConfigError(heading, problems);
  }
}

function unknownVariables<S extends Settings>(env: Env, schema: Schema<S>): string[] {
  const known = new Set([...Object.values(schema.settings).flatMap((setting) => setting.names), ...(schema.othersNames ?? [])]);
  return Object.keys(env)
    .filter((name) => env[name] !== undefined && !known.has(name))
    .sort()
    .flatMap((name) => {
      const prefix = schema.ownPrefixes.find((p) => name.startsWith(p));
      if (prefix === undefined) {
        return [];
      }
      const own = [...known].filter((k) => k.startsWith(prefix));
      const near = own.filter((k) => editDistance(k, name) <= 2);
      const hint = near.length > 0 ? `did you mean ${near.join(" or ")}?` : `the ${prefix} variables are ${own.join(", ")}`;
      return [`${name} is set, but ${schema.service} reads no such variable (${hint})`];
    });
}

/** Levenshtein distance, for the "did you mean" of a misspelt name. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
