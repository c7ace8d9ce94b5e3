import { boolean } from "./parsers";
import { composite, variable, type Parser, type VariableSpec } from "./settings";

/**
 * The variables several processes read, declared once so that every process describes them
 * and refuses them in the same words (a runbook quotes one sentence, whichever service said it).
 */

/** Host names, IPv4 addresses, or IPv6 addresses in brackets, each with a port. */
const brokerList: Parser<string> = (value, name) => {
  const brokers = value.split(",").map((broker) => broker.trim());
  return brokers.every((broker) => /^(?:[^\s:,]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/.test(broker))
    ? { value: brokers.join(",") }
    : { problem: `${name} must be host:port entries separated by commas, got "${value}"` };
};

/**
 * KAFKA_BROKERS as a specification, not a setting: the gateway and the projector require it
 * (`requiredVariable(KAFKA_BROKERS)`), query-api runs without it (`optionalVariable`), the scripts
 * default to the local broker (`variable({ ...KAFKA_BROKERS, default })`). The value is the
 * entries trimmed and joined by commas.
 */
export const KAFKA_BROKERS: VariableSpec<string> & { readonly missing: string } = Object.freeze({
  name: "KAFKA_BROKERS",
  description: "the Kafka bootstrap brokers, host:port entries separated by commas",
  parse: brokerList,
  missing: 'KAFKA_BROKERS is required, e.g. "127.0.0.1:19092" or "kafka-0:9092,kafka-1:9092"',
});

// The namespace becomes a prefix of a Kafka topic name, which allows [a-zA-Z0-9._-] and 249 characters.
const namespace: Parser<string> = (value, name) =>
  /^[A-Za-z0-9._-]{1,100}$/.test(value) ? { value } : { problem: `${name} may hold only [A-Za-z0-9._-] (at most 100), got "${value}"` };

/** TOPIC_NAMESPACE: tests and parallel environments prefix every topic name (see topicName in @udaconnect/schemas). */
export const TOPIC_NAMESPACE = variable({
  name: "TOPIC_NAMESPACE",
  default: "",
  parse: namespace,
  description: 'prefix of every topic name; "" in production',
});

/** Where bearer tokens' public keys come from: a JWKS file, or "disabled" (AUTH_DISABLED=true, local experiments only). */
export type AuthSource = { readonly jwksFile: string } | "disabled";

/**
 * AUTH_JWKS_FILE or AUTH_DISABLED=true, exactly one of them, in every service that checks
 * tokens: running without auth must be a decision, not an omission, so there is no default.
 */
export const AUTH = composite<AuthSource>({
  names: ["AUTH_JWKS_FILE", "AUTH_DISABLED"],
  description: "the JWKS file whose keys verify bearer tokens, or AUTH_DISABLED=true (local experiments only); no default",
  read: (env, problems) => {
    const file = env.AUTH_JWKS_FILE?.trim() ?? "";
    const text = env.AUTH_DISABLED || undefined;
    const parsed = text === undefined ? { value: false } : boolean(text, "AUTH_DISABLED", undefined);
    if ("problem" in parsed) {
      problems.push(parsed.problem);
    }
    const disabled = "value" in parsed && parsed.value;
    if (disabled && file !== "") {
      problems.push("set either AUTH_JWKS_FILE or AUTH_DISABLED=true, not both");
    }
    if (!disabled && file === "") {
      problems.push("AUTH_JWKS_FILE is required: the JWKS file whose keys verify bearer tokens; AUTH_DISABLED=true turns auth off for local experiments");
    }
    return disabled ? "disabled" : { jwksFile: file };
  },
});
