import { describe, expect, it } from "vitest";
import { DEFAULT_KEY_FILE, parseMintArgs } from "./mint-token";

describe("mint-token", () => {
  it("reads the command line", () => {
    expect(parseMintArgs(["--role", "attendee", "--subject", "1"])).toEqual({
      kind: "request",
      request: { role: "attendee", subject: "1", keyFile: DEFAULT_KEY_FILE, dev: false, expiresInSeconds: 86_400 },
    });
    expect(parseMintArgs(["--role", "king", "--expires-in=-5"])).toEqual({
      kind: "usage-error",
      problems: [
        '--role must be one of attendee, analyst, operator, got "king"',
        "--subject is required: the person id for an attendee, a name for an analyst or operator",
        '--expires-in must be a positive number of seconds, got "-5"',
      ],
    });
  });
});
