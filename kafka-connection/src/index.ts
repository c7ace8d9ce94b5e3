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
export { describeKafkaError } from "./describe-kafka-error";
export { readEndOffsets, type EndOffset } from "./end-offsets";
export { KAFKA_CONNECTION } from "./kafka-connection-setting";
export { parseKafkaConnection, type KafkaEnv } from "./parse-kafka-connection";
export { Secret } from "./secret";
export { reconcileRetention, type RetentionChange } from "./topic-retention";
export {
  platformaticConnectionOptions,
  platformaticSecurity,
  type PlatformaticConnectionOptions,
  type PlatformaticSecurity,
} from "./platformatic-options";
export { tlsOptions } from "./tls-options";
