/** Settings of the ingest gateway, read once from the environment at start. */
export interface IngestConfig {
  /** Interface to listen on; 0.0.0.0 in a container. */
  readonly host: string;
  /** One TCP port for HTTP/2 cleartext (gRPC, Connect, gRPC-Web) and HTTP/1.1 (Connect unary, gRPC-Web, probes). */
  readonly port: number;
  /** Comma-separated bootstrap brokers, e.g. "127.0.0.1:19092". */
  readonly kafkaBrokers: string;
  /** Prefix of every topic name; "" in production (see topicName in @udaconnect/schemas). */
  readonly topicNamespace: string;
  readonly kafkaClientId: string;
}

/**
 * The only reader of process.env in this package. Throws one error listing
 * every problem, so a misconfigured deployment is fixed in one round.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const problems: string[] = [];
  const host = nonEmpty(env, "INGEST_HOST", "127.0.0.1", problems);
  const port = portNumber(env, "INGEST_PORT", 50051, problems);
  const kafkaBrokers = brokerList(env, problems);
  const topicNamespace = namespace(env, problems);
  const kafkaClientId = nonEmpty(env, "KAFKA_CLIENT_ID", "udaconnect-ingest", problems);
  if (problems.length > 0) {
    throw new Error(`Invalid ingest configuration:\n- ${problems.join("\n- ")}`);
  }
  return Object.freeze({ host, port, kafkaBrokers, topicNamespace, kafkaClientId });
}

function nonEmpty(env: NodeJS.ProcessEnv, name: string, fallback: string, problems: string[]): string {
  const value = env[name];
  if (value === undefined) {
    return fallback;
  }
  if (value.trim() === "") {
    problems.push(`${name} must not be empty (unset it to use "${fallback}")`);
  }
  return value.trim();
}

function portNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const value = env[name];
  if (value === undefined) {
    return fallback;
  }
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    problems.push(`${name} must be a TCP port 1..65535, got "${value}"`);
  }
  return port;
}

function brokerList(env: NodeJS.ProcessEnv, problems: string[]): string {
  const value = env["KAFKA_BROKERS"];
  if (value === undefined || value.trim() === "") {
    problems.push('KAFKA_BROKERS is required, e.g. "127.0.0.1:19092" or "kafka-0:9092,kafka-1:9092"');
    return "";
  }
  const invalid = value.split(",").filter((broker) => !/^[^\s:,]+:\d{1,5}$/.test(broker.trim()));
  if (invalid.length > 0) {
    problems.push(`KAFKA_BROKERS must be host:port entries separated by commas, got "${value}"`);
  }
  return value
    .split(",")
    .map((broker) => broker.trim())
    .join(",");
}

function namespace(env: NodeJS.ProcessEnv, problems: string[]): string {
  const value = env["TOPIC_NAMESPACE"] ?? "";
  // Kafka topic names allow [a-zA-Z0-9._-]; the namespace becomes a prefix of one.
  if (value !== "" && !/^[A-Za-z0-9._-]{1,100}$/.test(value)) {
    problems.push(`TOPIC_NAMESPACE may hold only [A-Za-z0-9._-] (at most 100), got "${value}"`);
  }
  return value;
}
