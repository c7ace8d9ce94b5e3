import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { AppendEventsError } from "../src/ingest/ports";
import { translateError } from "../src/http/connect-errors";
import type { Logger } from "../src/log";

function recordingLogger(): Logger & { lines: [string, string, unknown][] } {
  const lines: [string, string, unknown][] = [];
  return {
    lines,
    info: (message, fields) => lines.push(["info", message, fields]),
    warn: (message, fields) => lines.push(["warn", message, fields]),
    error: (message, fields) => lines.push(["error", message, fields]),
  };
}

describe("translating errors at the edge", () => {
  it("answers UNAVAILABLE with retry advice for a failed append, logging the cause only", () => {
    const logger = recordingLogger();
    const cause = new Error("Connection error: connect ECONNREFUSED 127.0.0.1:1");
    const error = new AppendEventsError("Kafka refused the events", { cause });

    const translated = translateError(error, logger, "RecordLocation");

    expect(translated.code).toBe(Code.Unavailable);
    expect(translated.rawMessage).toBe(
      "the event log is unavailable, so the events may not have been recorded; " +
        "retry the call with the same event ids (and person id) so that a duplicate is recognised",
    );
    expect(translated.cause).toBeUndefined();
    expect(logger.lines).toEqual([["warn", "Kafka did not acknowledge an append", { procedure: "RecordLocation", error }]]);
  });

  it("answers INTERNAL without the message of an unexpected error", () => {
    const logger = recordingLogger();
    const error = new TypeError("Cannot read properties of undefined (reading 'secret')");

    const translated = translateError(error, logger, "RegisterPerson");

    expect([translated.code, translated.rawMessage, translated.cause]).toEqual([Code.Internal, "internal error", undefined]);
    expect(logger.lines).toEqual([["error", "Unexpected error in a call", { procedure: "RegisterPerson", error }]]);
  });

  it("passes Connect errors through", () => {
    const error = new ConnectError("too many", Code.ResourceExhausted);

    expect(translateError(error, recordingLogger(), "RecordLocations")).toBe(error);
  });
});
