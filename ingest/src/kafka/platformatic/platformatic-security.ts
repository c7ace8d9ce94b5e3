import type { ConnectionOptions } from "@platformatic/kafka";
import { tlsOptions, type KafkaConnection, type SaslMechanism } from "@udaconnect/kafka-connection";

const MECHANISMS: Record<SaslMechanism, "SCRAM-SHA-512" | "SCRAM-SHA-256" | "PLAIN"> = {
  "scram-sha-512": "SCRAM-SHA-512",
  "scram-sha-256": "SCRAM-SHA-256",
  plain: "PLAIN",
};

/** The `tls` and `sasl` options of a @platformatic/kafka client (a copy of scripts/replay's: its second use). */
export function platformaticSecurity({ tls, sasl }: KafkaConnection): Pick<ConnectionOptions, "tls" | "sasl"> {
  return {
    ...(tls === undefined ? {} : { tls: tlsOptions(tls) }),
    ...(sasl === undefined ? {} : { sasl: { mechanism: MECHANISMS[sasl.mechanism], username: sasl.username, password: sasl.password.reveal() } }),
  };
}
