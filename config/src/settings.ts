/**
 * A small module rather than env-schema or zod: the services' errors are sentences that say
 * what to set (tests and runbooks quote them), several settings span variables (auth, the Kafka
 * security group, the key store) and already report through a `problems` list
 * (parseKafkaConnection, locationRetentionFrom), and neither library refuses a
 * misspelt name of a process's own prefix. Declaring a variable here is one object; the rest
 * is ~100 lines with no dependency.
 */

/** A process's environment, or the part of it a test hands over. */
export type Env = Readonly<Record<string, string | undefined>>;

/** What a parser makes of a variable's text: its value, or the problem in the words the error lists. */
export type Parsed<T> = { readonly value: T } | { readonly problem: string };

/** `fallback` is the variable's default as text (for a message such as "unset it to use …"); undefined when it has none. */
export type Parser<T> = (text: string, name: string, fallback: string | undefined) => Parsed<T>;

/**
 * One setting of a process: the variables it reads and how. After a problem its value is
 * not to be used (the default, or undefined): the caller throws before returning a config.
 */
export interface Setting<T> {
  readonly names: readonly string[];
  /** One line: what it sets, for readers of the declaration. */
  readonly description: string;
  readonly read: (env: Env, problems: string[]) => T;
}

/** What declares a variable: its name, a one-line description, and the parser whose problems name it. */
export interface VariableSpec<T> {
  readonly name: string;
  readonly description: string;
  readonly parse: Parser<T>;
}

/**
 * An empty variable counts as unset, in every process (a Kubernetes `value: ""` or a shell's
 * `X= cmd`), as parseKafkaConnection already took it; whitespace alone goes to the parser.
 */
function textOf(env: Env, name: string): string | undefined {
  const text = env[name];
  return text === "" ? undefined : text;
}

function parseInto<T>(spec: VariableSpec<T>, text: string, fallback: T | undefined, problems: string[]): T | undefined {
  const parsed = spec.parse(text, spec.name, fallback === undefined ? undefined : String(fallback));
  if ("problem" in parsed) {
    problems.push(parsed.problem);
    return fallback;
  }
  return parsed.value;
}

/** A variable with a default, the only place that default is stated. */
export function variable<T>(spec: VariableSpec<T> & { readonly default: NoInfer<T> }): Setting<T> {
  return {
    names: [spec.name],
    description: spec.description,
    read: (env, problems) => {
      const text = textOf(env, spec.name);
      return text === undefined ? spec.default : (parseInto(spec, text, spec.default, problems) as T);
    },
  };
}

/** A variable without a default: `missing` is the problem listed when it is unset, saying what to set. */
export function requiredVariable<T>(spec: VariableSpec<T> & { readonly missing: string }): Setting<T> {
  return {
    names: [spec.name],
    description: spec.description,
    read: (env, problems) => {
      const text = textOf(env, spec.name);
      if (text === undefined) {
        problems.push(spec.missing);
      }
      // Undefined only beside a problem, which the caller throws before the value is used.
      return (text === undefined ? undefined : parseInto(spec, text, undefined, problems)) as T;
    },
  };
}

/** A variable whose absence means something (a feature off): undefined when unset. */
export function optionalVariable<T>(spec: VariableSpec<T>): Setting<T | undefined> {
  return {
    names: [spec.name],
    description: spec.description,
    read: (env, problems) => {
      const text = textOf(env, spec.name);
      return text === undefined ? undefined : parseInto(spec, text, undefined, problems);
    },
  };
}

/** A setting read from several variables at once, by a reader that reports into `problems` (auth, Kafka security). */
export function composite<T>(spec: Setting<T>): Setting<T> {
  return spec;
}
