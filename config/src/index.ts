export { ConfigError, failOnProblems, readSettings, type Schema, type Settings, type Values } from "./read-settings";
export { composite, optionalVariable, requiredVariable, variable, type Env, type Parsed, type Parser, type Setting, type VariableSpec } from "./settings";
export { boolean, integer, mapped, nonBlank, oneOf, positiveInteger, postgresUrl, text } from "./parsers";
export { AUTH, KAFKA_BROKERS, TOPIC_NAMESPACE, type AuthSource } from "./shared-variables";
