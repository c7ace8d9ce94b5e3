import type { ConnectionOptions } from "node:tls";
import type { KafkaConfig, SASLOptions } from "kafkajs";
import type { KafkaConnection, KafkaSasl, KafkaTls } from "./kafka-connection";

/** The `ssl` and `sasl` of a kafkajs client (`new Kafka({ brokers, clientId, ...kafkaJsSecurity(c) })`). */
export function kafkaJsSecurity(connection: KafkaConnection): Pick<KafkaConfig, "ssl" | "sasl"> {
  const { tls, sasl } = connection;
  return {
    ...(tls === undefined ? {} : { ssl: tlsOptions(tls) }),
    ...(sasl === undefined ? {} : { sasl: kafkaJsSasl(sasl) }),
  };
}

function kafkaJsSasl({ mechanism, username, password }: KafkaSasl): SASLOptions {
  const credentials = { username, password: password.reveal() };
  // One case per mechanism: kafkajs types its options as a union keyed by the mechanism.
  switch (mechanism) {
    case "scram-sha-512":
      return { mechanism, ...credentials };
    case "scram-sha-256":
      return { mechanism, ...credentials };
    case "plain":
      return { mechanism, ...credentials };
  }
}

/**
 * Node's TLS options for the brokers: the given CAs (else the system's), the
 * client certificate for mTLS. The host name is verified against the broker's
 * certificate as Node does by default (Strimzi's carry the service names).
 */
export function tlsOptions(tls: KafkaTls): ConnectionOptions {
  return {
    ...(tls.ca === undefined ? {} : { ca: [tls.ca.pem] }),
    ...(tls.client === undefined ? {} : { cert: tls.client.certPem, key: tls.client.keyPem.reveal() }),
  };
}
