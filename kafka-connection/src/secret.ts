import { inspect } from "node:util";

/**
 * A password or private key that must not reach a log: printing, JSON or
 * util.inspect show "[redacted]"; only reveal() gives the value, at the one
 * place that hands it to a Kafka client.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  [inspect.custom](): string {
    return "[redacted]";
  }
}
