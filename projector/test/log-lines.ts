import { createLogger, type Logger } from "@udaconnect/observability";

export type LogLine = Readonly<Record<string, unknown>> & { readonly msg: string; readonly level: string };

/** A debug-level logger whose lines the test can read back. */
export function collectingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({ service: "projector", level: "debug", destination: { write: (line) => void lines.push(JSON.parse(line) as LogLine) } });
  return { logger, lines };
}

/** Lines with message `msg`, reduced to the given fields. */
export function linesOf(lines: readonly LogLine[], msg: string, fields: readonly string[]): Record<string, unknown>[] {
  return lines.filter((l) => l.msg === msg).map((l) => Object.fromEntries(fields.map((f) => [f, l[f]])));
}
