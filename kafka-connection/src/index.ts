export {
  describeKafkaConnection,
  PLAINTEXT,
  SASL_MECHANISMS,
  SECURITY_PROTOCOLS,
  type KafkaConnection,
  type KafkaSasl,
  type KafkaTls,
  type SaslMechanism,
  type SecurityProtocol,
} from "./kafka-connection";
export { kafkaJsSecurity, tlsOptions } from "./kafkajs-options";
export { parseKafkaConnection, type KafkaEnv } from "./parse-kafka-connection";
export { Secret } from "./secret";
export { reconcileRetention, type RetentionChange } from "./topic-retention";
export { platformaticSecurity, type PlatformaticSecurity } from "./platformatic-options";
