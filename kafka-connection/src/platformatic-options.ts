import type { ConnectionOptions as TlsConnectionOptions } from "node:tls";
import type { KafkaConnection, SaslMechanism } from "./kafka-connection";
import { tlsOptions } from "./kafkajs-options";

const MECHANISMS: Record<SaslMechanism, "SCRAM-SHA-512" | "SCRAM-SHA-256" | "PLAIN"> = {
  "scram-sha-512": "SCRAM-SHA-512",
  "scram-sha-256": "SCRAM-SHA-256",
  plain: "PLAIN",
};

/**
 * The `tls` and `sasl` options of a @platformatic/kafka client for this connection (the shape of its
 * ConnectionOptions, written out so this package needs no dependency on that client).
 */
export interface PlatformaticSecurity {
  readonly tls?: TlsConnectionOptions;
  readonly sasl?: { readonly mechanism: "SCRAM-SHA-512" | "SCRAM-SHA-256" | "PLAIN"; readonly username: string; readonly password: string };
}

export function platformaticSecurity({ tls, sasl }: KafkaConnection): PlatformaticSecurity {
  return {
    ...(tls === undefined ? {} : { tls: tlsOptions(tls) }),
    ...(sasl === undefined ? {} : { sasl: { mechanism: MECHANISMS[sasl.mechanism], username: sasl.username, password: sasl.password.reveal() } }),
  };
}
