import { createLogger, type Logger } from "@udaconnect/observability";

export interface LogLine {
  readonly level: string;
  readonly message: string;
  /** The line's own fields: neither level, time, service nor msg. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The gateway's logger, configured as in production, keeping its lines for assertions (causes logged rather than sent). */
export function recordingLogger(): Logger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const write = (json: string) => {
    const { level, time: _time, service: _service, msg, ...fields } = JSON.parse(json) as Record<string, unknown>;
    lines.push({ level: String(level), message: String(msg), fields });
  };
  return Object.assign(createLogger({ service: "ingest", level: "debug", destination: { write } }), { lines });
}
