import type { KafkaConfig, SASLOptions } from "kafkajs";
import type { KafkaConnection, KafkaSasl } from "./kafka-connection";
import { tlsOptions } from "./tls-options";

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
