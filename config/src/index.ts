export { ConfigError, failOnProblems, readSettings, type Schema, type Settings, type Values } from "./read-settings";
export { composite, optionalVariable, requiredVariable, variable, type Env, type Parsed, type Parser, type Setting } from "./settings";
export { boolean, integer, mapped, nonBlank, oneOf, positiveInteger, postgresUrl, text, topicNamespace } from "./parsers";
