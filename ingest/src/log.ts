export type LogFields = Readonly<Record<string, unknown>>;

/** The little the gateway says about itself; main writes JSON lines, tests may collect or drop them. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One JSON object per line (what log collectors in Kubernetes expect). Errors become their name, message and stack. */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const log = (level: string) => (message: string, fields: LogFields = {}) => {
    // The shape the projector and query API write too: one log query serves all three.
    const entry = { time: new Date().toISOString(), level, msg: message, ...serialisable(fields) };
    write(`${JSON.stringify(entry)}\n`);
  };
  return { info: log("info"), warn: log("warn"), error: log("error") };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

function serialisable(fields: LogFields): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      value instanceof Error ? { name: value.name, message: value.message, stack: value.stack, cause: value.cause } : value,
    ]),
  );
}
