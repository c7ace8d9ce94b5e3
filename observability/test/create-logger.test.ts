import { describe, expect, it } from "vitest";
import { createLogger, LOG_LEVEL } from "../src/index";

function capture(level: "info" | "warn" = "info") {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: "ingest", level, destination: { write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

describe("createLogger", () => {
  it("writes the fields every service shares: level by name, ISO time, service, msg, and a child's request id", () => {
    const { logger, lines } = capture();

    logger.child({ reqId: "req-1", rpc: "RecordLocation" }).info({ offset: 12n }, "appended");

    expect(lines).toEqual([
      {
        level: "info",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: "ingest",
        reqId: "req-1",
        rpc: "RecordLocation",
        offset: "12",
        msg: "appended",
      },
    ]);
  });

  it("never writes tokens, passwords or authorization headers", () => {
    const { logger, lines } = capture();

    logger.info({ token: "t0k3n", sasl: { password: "hunter2" }, req: { headers: { authorization: "Bearer abc", cookie: "s=1" } } }, "secrets");

    expect(lines[0]).toMatchObject({
      token: "[redacted]",
      sasl: { password: "[redacted]" },
      req: { headers: { authorization: "[redacted]", cookie: "[redacted]" } },
    });
    expect(JSON.stringify(lines)).not.toMatch(/t0k3n|hunter2|Bearer abc|s=1/);
  });

  it("writes errors as type, message and stack, and nothing below its level", () => {
    const { logger, lines } = capture("warn");

    logger.info("dropped");
    logger.warn({ err: new TypeError("boom") }, "failed");

    expect(lines).toHaveLength(1);
    expect(lines[0]?.err).toMatchObject({ type: "TypeError", message: "boom", stack: expect.stringContaining("TypeError: boom") });
  });
});

describe("LOG_LEVEL", () => {
  it("defaults to info and reports a bad LOG_LEVEL among the other problems", () => {
    const problems: string[] = [];

    expect([LOG_LEVEL.read({}, problems), LOG_LEVEL.read({ LOG_LEVEL: "debug" }, problems), LOG_LEVEL.read({ LOG_LEVEL: "loud" }, problems)]).toEqual([
      "info",
      "debug",
      "info",
    ]);
    expect(problems).toEqual(['LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"']);
  });
});
