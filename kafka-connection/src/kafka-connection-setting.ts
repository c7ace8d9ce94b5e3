import { composite } from "@udaconnect/config";
import { parseKafkaConnection } from "./parse-kafka-connection";

/**
 * How a service reaches the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_*), as one
 * setting of its config: declared once here, so every service describes and refuses these
 * variables in the same words (as @udaconnect/config's shared variables).
 */
export const KAFKA_CONNECTION = composite({
  names: [],
  description: "TLS / SASL towards the brokers (KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_*)",
  read: parseKafkaConnection,
});
