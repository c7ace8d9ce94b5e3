import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { describeKafkaConnection, parseKafkaConnection, PLAINTEXT, platformaticConnectionOptions, type KafkaEnv } from "../src";

const dir = mkdtempSync(join(tmpdir(), "kafka-connection-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const CA = "-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n";
const CERT = "-----BEGIN CERTIFICATE-----\ndXNlcg==\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\na2V5\n-----END PRIVATE KEY-----\n";
const caFile = file("ca.crt", CA);
const certFile = file("user.crt", CERT);
const keyFile = file("user.key", KEY);
// As a hand-written file often is: with a trailing newline, which is not part of the password.
const passwordFile = file("password", "s3cret pass\n");
const missing = join(dir, "nowhere", "ca.crt");

function parse(env: KafkaEnv) {
  const problems: string[] = [];
  const connection = parseKafkaConnection(env, problems);
  return { connection, problems };
}

describe("parseKafkaConnection", () => {
  it("is PLAINTEXT when nothing is set (the local broker)", () => {
    expect(parse({})).toEqual({ connection: { securityProtocol: "PLAINTEXT" }, problems: [] });
    expect(parse({ KAFKA_SECURITY_PROTOCOL: "" }).connection).toBe(PLAINTEXT);
    expect(platformaticConnectionOptions("kafka-0:9092, kafka-1:9092", "udaconnect-ingest", PLAINTEXT)).toEqual({
      clientId: "udaconnect-ingest",
      bootstrapBrokers: ["kafka-0:9092", "kafka-1:9092"],
    });
  });

  it("reads Strimzi's TLS + SCRAM-SHA-512 listener settings: the cluster CA and the KafkaUser's password file", () => {
    const { connection, problems } = parse({
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SSL_CA_FILE: caFile,
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: "ingest",
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    expect(problems).toEqual([]);
    expect(connection.securityProtocol).toBe("SASL_SSL");
    expect(connection.tls).toEqual({ ca: { file: caFile, pem: CA } });
    expect(connection.sasl?.mechanism).toBe("scram-sha-512");
    expect(connection.sasl?.username).toBe("ingest");
    expect(connection.sasl?.password.reveal()).toBe("s3cret pass");
    expect(Object.isFrozen(connection)).toBe(true);
    expect(platformaticConnectionOptions("kafka:9093", "udaconnect-ingest", connection)).toEqual({
      clientId: "udaconnect-ingest",
      bootstrapBrokers: ["kafka:9093"],
      tls: { ca: [CA] },
      sasl: { mechanism: "SCRAM-SHA-512", username: "ingest", password: "s3cret pass" },
    });
    expect(describeKafkaConnection(connection)).toBe(`SASL_SSL, scram-sha-512 as ingest, CA ${caFile}`);
  });

  it("defaults the mechanism to scram-sha-512 and trusts the system's CAs without KAFKA_SSL_CA_FILE", () => {
    const { connection, problems } = parse({ KAFKA_SECURITY_PROTOCOL: "sasl_ssl", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: " p " });
    expect(problems).toEqual([]);
    expect(connection.sasl?.mechanism).toBe("scram-sha-512");
    expect(connection.sasl?.password.reveal()).toBe(" p ");
    expect(platformaticConnectionOptions("kafka:9093", "c", connection).tls).toEqual({});
  });

  it("names the SASL mechanism as @platformatic/kafka does", () => {
    const mechanismOf = (name: string) =>
      platformaticConnectionOptions(
        "kafka:9093",
        "c",
        parse({ KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT", KAFKA_SASL_MECHANISM: name, KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" }).connection,
      ).sasl?.mechanism;
    expect(["scram-sha-512", "SCRAM-SHA-256", "plain"].map(mechanismOf)).toEqual(["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"]);
  });

  it("reads mTLS: a KafkaUser of type tls, its user.crt and user.key", () => {
    const { connection, problems } = parse({
      KAFKA_SECURITY_PROTOCOL: "SSL",
      KAFKA_SSL_CA_FILE: caFile,
      KAFKA_SSL_CERT_FILE: certFile,
      KAFKA_SSL_KEY_FILE: keyFile,
    });
    expect(problems).toEqual([]);
    expect(connection.sasl).toBeUndefined();
    expect(connection.tls?.client?.certPem).toBe(CERT);
    expect(platformaticConnectionOptions("kafka:9094", "c", connection)).toEqual({
      clientId: "c",
      bootstrapBrokers: ["kafka:9094"],
      tls: { ca: [CA], cert: CERT, key: KEY },
    });
    expect(describeKafkaConnection(connection)).toBe(`SSL, CA ${caFile}, client certificate ${certFile}`);
  });

  it("never shows the password or the private key in a log, JSON or inspect", () => {
    const { connection } = parse({
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SSL_CERT_FILE: certFile,
      KAFKA_SSL_KEY_FILE: keyFile,
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    for (const shown of [JSON.stringify(connection), inspect(connection, { depth: 10 }), String(connection.sasl?.password)]) {
      expect(shown).not.toContain("s3cret");
      expect(shown).not.toContain("a2V5");
    }
    expect(JSON.stringify(connection.sasl)).toBe('{"mechanism":"scram-sha-512","username":"u","password":"[redacted]"}');
  });

  it("lists every problem at once, naming no secret", () => {
    const { connection, problems } = parse({
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SSL_CA_FILE: missing,
      KAFKA_SSL_CERT_FILE: certFile,
      KAFKA_SASL_MECHANISM: "gssapi",
      KAFKA_SASL_PASSWORD: "hunter2",
      KAFKA_SASL_PASSWORD_FILE: passwordFile,
    });
    expect(connection).toBe(PLAINTEXT);
    expect(problems).toEqual([
      `KAFKA_SSL_CA_FILE: cannot read ${missing} (ENOENT); mount the file there or fix the path`,
      "KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (a client certificate for mTLS and its private key, e.g. a KafkaUser Secret's user.crt and user.key): set both or neither",
      'KAFKA_SASL_MECHANISM must be one of scram-sha-512, scram-sha-256, plain, got "gssapi"',
      "KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL=SASL_SSL (with Strimzi: the KafkaUser's name)",
      "set KAFKA_SASL_PASSWORD_FILE or KAFKA_SASL_PASSWORD, not both",
    ]);
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("refuses SASL and TLS settings that the protocol would silently ignore", () => {
    expect(parse({ KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_SASL_USERNAME: "u", KAFKA_SSL_CA_FILE: caFile }).problems).toEqual([
      "KAFKA_SSL_CA_FILE only apply with KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL (it is PLAINTEXT): set the protocol, or unset them",
      "KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME only apply with KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT (it is PLAINTEXT): set the protocol, or unset them",
    ]);
    expect(parse({ KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SASL_PASSWORD_FILE: passwordFile }).problems).toEqual([
      "KAFKA_SASL_PASSWORD_FILE only apply with KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT (it is SSL): set the protocol, or unset them",
    ]);
  });

  it("names what is missing for SASL, an unknown protocol, files without PEM and an empty password file", () => {
    expect(parse({ KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT", KAFKA_SASL_MECHANISM: "plain" }).problems).toEqual([
      "KAFKA_SASL_USERNAME is required with KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT (with Strimzi: the KafkaUser's name)",
      'KAFKA_SASL_PASSWORD_FILE is required with SASL (with Strimzi: the KafkaUser Secret\'s "password" key mounted as a file), or KAFKA_SASL_PASSWORD',
    ]);
    expect(parse({ KAFKA_SECURITY_PROTOCOL: "TLS" }).problems).toEqual([
      'KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL, SASL_SSL, SASL_PLAINTEXT, got "TLS"',
    ]);
    const empty = file("empty", "\n");
    expect(parse({ KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SSL_CA_FILE: keyFile, KAFKA_SSL_CERT_FILE: certFile, KAFKA_SSL_KEY_FILE: certFile }).problems).toEqual(
      [
        `KAFKA_SSL_CA_FILE: ${keyFile} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`,
        `KAFKA_SSL_KEY_FILE: ${certFile} holds no PEM private key ("-----BEGIN PRIVATE KEY-----")`,
      ],
    );
    expect(parse({ KAFKA_SECURITY_PROTOCOL: "SASL_SSL", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD_FILE: empty }).problems).toEqual([
      `KAFKA_SASL_PASSWORD_FILE: ${empty} is empty`,
    ]);
  });
});
