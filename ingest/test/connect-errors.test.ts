import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { AppendEventsError } from "../src/ingest/ports";
import { translateError } from "../src/http/connect-errors";
import { recordingLogger, type LogLine } from "./recording-logger";

/** Level, message, RPC and the logged cause's message: what an operator reads. */
const summary = ({ level, message, fields }: LogLine) => [level, message, fields.rpc, (fields.err as { message?: string } | undefined)?.message];

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
    expect(logger.lines.map(summary)).toEqual([
      ["warn", "Kafka did not acknowledge an append", "RecordLocation", "Kafka refused the events: Connection error: connect ECONNREFUSED 127.0.0.1:1"],
    ]);
  });

  it("answers INTERNAL without the message of an unexpected error", () => {
    const logger = recordingLogger();
    const error = new TypeError("Cannot read properties of undefined (reading 'secret')");

    const translated = translateError(error, logger, "RegisterPerson");

    expect([translated.code, translated.rawMessage, translated.cause]).toEqual([Code.Internal, "internal error", undefined]);
    expect(logger.lines.map(summary)).toEqual([
      ["error", "Unexpected error in a call", "RegisterPerson", "Cannot read properties of undefined (reading 'secret')"],
    ]);
  });

  it("passes Connect errors through", () => {
    const error = new ConnectError("too many", Code.ResourceExhausted);

    expect(translateError(error, recordingLogger(), "RecordLocations")).toBe(error);
  });
});
