import { readFileSync } from "node:fs";
import {
  PLAINTEXT,
  SASL_MECHANISMS,
  SECURITY_PROTOCOLS,
  type KafkaConnection,
  type KafkaSasl,
  type KafkaTls,
  type SaslMechanism,
  type SecurityProtocol,
} from "./kafka-connection";
import { Secret } from "./secret";

export type KafkaEnv = Readonly<Record<string, string | undefined>>;

const TLS_VARIABLES = ["KAFKA_SSL_CA_FILE", "KAFKA_SSL_CERT_FILE", "KAFKA_SSL_KEY_FILE"] as const;
const SASL_VARIABLES = ["KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD_FILE", "KAFKA_SASL_PASSWORD"] as const;

/**
 * Reads KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_* and KAFKA_SASL_* (and the files
 * they name) into a frozen KafkaConnection. Every problem is pushed onto
 * `problems`, in the words a service's config error lists them; with any
 * problem the answer is PLAINTEXT, never to be used. An empty variable counts
 * as unset. No message ever contains a password or a key.
 */
export function parseKafkaConnection(env: KafkaEnv, problems: string[]): KafkaConnection {
  const before = problems.length;
  const value = (name: string) => {
    const text = env[name]?.trim();
    return text === "" ? undefined : text;
  };
  const protocol = securityProtocol(value("KAFKA_SECURITY_PROTOCOL"), problems);
  const usesTls = protocol === "SSL" || protocol === "SASL_SSL";
  const usesSasl = protocol === "SASL_SSL" || protocol === "SASL_PLAINTEXT";
  if (protocol !== undefined) {
    refuseUnused(
      TLS_VARIABLES.filter((name) => value(name) !== undefined && !usesTls),
      "SSL or SASL_SSL",
      protocol,
      problems,
    );
    refuseUnused(
      SASL_VARIABLES.filter((name) => value(name) !== undefined && !usesSasl),
      "SASL_SSL or SASL_PLAINTEXT",
      protocol,
      problems,
    );
  }
  const files: Files = { env, value, problems };
  const tls = usesTls ? tlsSettings(files) : undefined;
  const sasl = usesSasl ? saslSettings(files, protocol) : undefined;
  if (problems.length > before || protocol === undefined || protocol === "PLAINTEXT") {
    return PLAINTEXT;
  }
  return Object.freeze({
    securityProtocol: protocol,
    ...(tls === undefined ? {} : { tls: Object.freeze(tls) }),
    ...(sasl === undefined ? {} : { sasl: Object.freeze(sasl) }),
  });
}

interface Files {
  readonly env: KafkaEnv;
  readonly value: (name: string) => string | undefined;
  readonly problems: string[];
}

function securityProtocol(text: string | undefined, problems: string[]): SecurityProtocol | undefined {
  const protocol = (text ?? "PLAINTEXT").toUpperCase();
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
    problems.push(`KAFKA_SECURITY_PROTOCOL must be one of ${SECURITY_PROTOCOLS.join(", ")}, got "${text}"`);
    return undefined;
  }
  return protocol as SecurityProtocol;
}

function refuseUnused(names: readonly string[], needs: string, protocol: SecurityProtocol, problems: string[]): void {
  if (names.length > 0) {
    problems.push(`${names.join(", ")} only apply with KAFKA_SECURITY_PROTOCOL=${needs} (it is ${protocol}): set the protocol, or unset them`);
  }
}

function tlsSettings({ value, problems }: Files): KafkaTls {
  const caFile = value("KAFKA_SSL_CA_FILE");
  const certFile = value("KAFKA_SSL_CERT_FILE");
  const keyFile = value("KAFKA_SSL_KEY_FILE");
  const caPem = caFile === undefined ? undefined : pemFile("KAFKA_SSL_CA_FILE", caFile, "CERTIFICATE", problems);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push(
      "KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (a client certificate for mTLS and its private key, e.g. a KafkaUser Secret's user.crt and user.key): set both or neither",
    );
  }
  const certPem = certFile === undefined ? undefined : pemFile("KAFKA_SSL_CERT_FILE", certFile, "CERTIFICATE", problems);
  const keyPem = keyFile === undefined ? undefined : pemFile("KAFKA_SSL_KEY_FILE", keyFile, "PRIVATE KEY", problems);
  return {
    ...(caFile === undefined || caPem === undefined ? {} : { ca: Object.freeze({ file: caFile, pem: caPem }) }),
    ...(certFile === undefined || certPem === undefined || keyFile === undefined || keyPem === undefined
      ? {}
      : { client: Object.freeze({ certFile, certPem, keyFile, keyPem: new Secret(keyPem) }) }),
  };
}

function saslSettings(files: Files, protocol: SecurityProtocol): KafkaSasl {
  const { value, problems } = files;
  const mechanismText = value("KAFKA_SASL_MECHANISM") ?? "scram-sha-512";
  const mechanism = mechanismText.toLowerCase();
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    problems.push(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(", ")}, got "${mechanismText}"`);
  }
  const username = value("KAFKA_SASL_USERNAME") ?? "";
  if (username === "") {
    problems.push(`KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL=${protocol} (with Strimzi: the KafkaUser's name)`);
  }
  return { mechanism: mechanism as SaslMechanism, username, password: new Secret(password(files)) };
}

function password({ env, value, problems }: Files): string {
  const file = value("KAFKA_SASL_PASSWORD_FILE");
  // Taken as it is, not trimmed: a password may begin or end with spaces.
  const inline = env.KAFKA_SASL_PASSWORD === "" ? undefined : env.KAFKA_SASL_PASSWORD;
  if (file !== undefined && inline !== undefined) {
    problems.push("set KAFKA_SASL_PASSWORD_FILE or KAFKA_SASL_PASSWORD, not both");
    return "";
  }
  if (inline !== undefined) {
    return inline;
  }
  if (file === undefined) {
    problems.push(
      'KAFKA_SASL_PASSWORD_FILE is required with SASL (with Strimzi: the KafkaUser Secret\'s "password" key mounted as a file), or KAFKA_SASL_PASSWORD',
    );
    return "";
  }
  // A Secret mounted by Kubernetes holds the bytes as they are; a file written by hand often ends in a newline.
  const text = readOrReport("KAFKA_SASL_PASSWORD_FILE", file, problems)?.replace(/\r?\n$/, "");
  if (text === "") {
    problems.push(`KAFKA_SASL_PASSWORD_FILE: ${file} is empty`);
  }
  return text ?? "";
}

function pemFile(name: string, file: string, label: "CERTIFICATE" | "PRIVATE KEY", problems: string[]): string | undefined {
  const text = readOrReport(name, file, problems);
  if (text === undefined) {
    return undefined;
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) {
    problems.push(`${name}: ${file} holds no PEM ${label === "CERTIFICATE" ? "certificate" : "private key"} ("-----BEGIN ${label}-----")`);
    return undefined;
  }
  return text;
}

function readOrReport(name: string, file: string, problems: string[]): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    problems.push(`${name}: cannot read ${file}${typeof code === "string" ? ` (${code})` : ""}; mount the file there or fix the path`);
    return undefined;
  }
}
