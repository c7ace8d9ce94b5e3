import type { BaseOptions, SASLOptions } from "@platformatic/kafka";
import { PLAINTEXT, type KafkaConnection, type SaslMechanism } from "./kafka-connection";
import { tlsOptions } from "./tls-options";

const MECHANISMS: Record<SaslMechanism, SASLOptions["mechanism"]> = {
  "scram-sha-512": "SCRAM-SHA-512",
  "scram-sha-256": "SCRAM-SHA-256",
  plain: "PLAIN",
};

/** What every @platformatic/kafka client (Producer, Admin, Consumer) of UdaConnect is given to reach the brokers. */
export type PlatformaticConnectionOptions = Pick<BaseOptions, "clientId" | "bootstrapBrokers" | "tls" | "sasl">;

/** The `tls` and `sasl` options of a @platformatic/kafka client for this connection (none for PLAINTEXT). */
export type PlatformaticSecurity = Pick<BaseOptions, "tls" | "sasl">;

/**
 * `new Producer({ ...platformaticConnectionOptions(brokers, clientId, connection), idempotent: true, … })`:
 * the bootstrap brokers of KAFKA_BROKERS (host:port, comma-separated), the client id, and TLS and
 * SASL as KAFKA_SECURITY_PROTOCOL and friends said (SASL_SSL with SCRAM, mTLS, or neither).
 */
export function platformaticConnectionOptions(brokers: string, clientId: string, connection: KafkaConnection = PLAINTEXT): PlatformaticConnectionOptions {
  return {
    clientId,
    bootstrapBrokers: brokers.split(",").map((broker) => broker.trim()),
    ...platformaticSecurity(connection),
  };
}

export function platformaticSecurity({ tls, sasl }: KafkaConnection): PlatformaticSecurity {
  return {
    ...(tls === undefined ? {} : { tls: tlsOptions(tls) }),
    ...(sasl === undefined ? {} : { sasl: { mechanism: MECHANISMS[sasl.mechanism], username: sasl.username, password: sasl.password.reveal() } }),
  };
}
