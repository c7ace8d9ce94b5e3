import type { Secret } from "./secret";

export const SECURITY_PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_SSL", "SASL_PLAINTEXT"] as const;
/** Kafka's own names (security.protocol of the Java client). */
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export const SASL_MECHANISMS = ["scram-sha-512", "scram-sha-256", "plain"] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** How a client reaches the brokers, beyond their addresses: what KAFKA_SECURITY_PROTOCOL and friends said. */
export interface KafkaConnection {
  readonly securityProtocol: SecurityProtocol;
  /** Present with SSL and SASL_SSL. */
  readonly tls?: KafkaTls;
  /** Present with SASL_SSL and SASL_PLAINTEXT. */
  readonly sasl?: KafkaSasl;
}

export interface KafkaTls {
  /** PEM certificates of the CAs to trust (Strimzi's `<cluster>-cluster-ca-cert` ca.crt); absent: the system's CAs. */
  readonly ca?: { readonly file: string; readonly pem: string };
  /** A client certificate (mTLS: a KafkaUser with `authentication: type: tls`). */
  readonly client?: { readonly certFile: string; readonly certPem: string; readonly keyFile: string; readonly keyPem: Secret };
}

export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  readonly password: Secret;
}

/** The default: no TLS, no authentication (the local broker's PLAINTEXT listener). */
export const PLAINTEXT: KafkaConnection = Object.freeze({ securityProtocol: "PLAINTEXT" });

/** One line for a start-up log, e.g. "SASL_SSL, scram-sha-512 as ingest, CA /etc/kafka-ca/ca.crt"; never a secret. */
export function describeKafkaConnection(connection: KafkaConnection): string {
  const parts: string[] = [connection.securityProtocol];
  if (connection.sasl !== undefined) {
    parts.push(`${connection.sasl.mechanism} as ${connection.sasl.username}`);
  }
  if (connection.tls !== undefined) {
    parts.push(connection.tls.ca === undefined ? "system CAs" : `CA ${connection.tls.ca.file}`);
    if (connection.tls.client !== undefined) {
      parts.push(`client certificate ${connection.tls.client.certFile}`);
    }
  }
  return parts.join(", ");
}
