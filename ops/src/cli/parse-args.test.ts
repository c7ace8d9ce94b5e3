import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration";
import { parseOpsArgs } from "./parse-args";

describe("parseOpsArgs", () => {
  it("reads a rebuild with its defaults: namespace udaconnect, grace 300 s, timeout 2 h", () => {
    expect(parseOpsArgs(["rebuild"])).toEqual({
      kind: "command",
      global: { namespace: "udaconnect", context: undefined },
      command: { kind: "rebuild", graceSeconds: 300, timeoutMs: 7_200_000 },
    });
  });

  it("takes global options before or after the command", () => {
    const before = parseOpsArgs(["-n", "prod", "--context", "k3s", "scale", "projector", "3"]);
    const after = parseOpsArgs(["scale", "projector", "3", "--namespace", "prod", "--context", "k3s"]);
    const expected = {
      kind: "command",
      global: { namespace: "prod", context: "k3s" },
      command: { kind: "scale", target: "projector", replicas: 3, timeoutMs: 300_000, kafkaNamespace: "prod" },
    };
    expect(before).toEqual(expected);
    expect(after).toEqual(expected);
  });

  it("reads topics and status options", () => {
    expect(parseOpsArgs(["topics", "--dry-run", "--kafka-namespace", "kafka", "--kafka-cluster", "main"])).toMatchObject({
      command: { kind: "topics", dryRun: true, kafkaNamespace: "kafka", kafkaCluster: "main" },
    });
    expect(parseOpsArgs(["status", "-o", "json"])).toMatchObject({ command: { kind: "status", output: "json" } });
    expect(parseOpsArgs(["rebuild", "--grace-seconds", "0", "--timeout", "1h30m"])).toMatchObject({ command: { graceSeconds: 0, timeoutMs: 5_400_000 } });
  });

  it("gives the help of the command asked about, and the main help without a command", () => {
    expect(parseOpsArgs([])).toMatchObject({ kind: "help", text: expect.stringMatching(/^usage: scripts\/ops <command>/) });
    expect(parseOpsArgs(["scale", "--help"])).toMatchObject({
      kind: "help",
      text: expect.stringMatching(/^usage: scripts\/ops scale projector\|ingest\|query-api N/),
    });
    expect(parseOpsArgs(["-n", "x", "topics", "-h"])).toMatchObject({ kind: "help", text: expect.stringMatching(/^usage: scripts\/ops topics/) });
  });

  it.each([
    [["frobnicate"], /unknown command "frobnicate"/],
    [["status", "--frob"], /ops status: Unknown option '--frob'/],
    [["rebuild", "--dry-run"], /Unknown option '--dry-run'/],
    [["scale", "postgis", "2"], /cannot scale "postgis": expected one of projector, ingest, query-api/],
    [["scale", "projector"], /takes a service and a replica count/],
    [["scale", "projector", "-1"], /Unknown option '-1'/],
    [["scale", "ingest", "two"], /whole number, got "two"/],
    [["rebuild", "--grace-seconds", "5m"], /--grace-seconds must be a whole number of seconds/],
    [["rebuild", "--timeout", "soon"], /--timeout must be a duration/],
    [["status", "--output", "yaml"], /--output must be text or json/],
  ])("refuses %j as a usage error", (argv, message) => {
    const parsed = parseOpsArgs(argv);
    expect(parsed.kind).toBe("usage-error");
    expect(parsed.kind === "usage-error" && parsed.message).toMatch(message);
  });
});

describe("durations", () => {
  it("reads plain seconds and unit sums, and refuses the rest", () => {
    expect(parseDuration("90")).toBe(90_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("1d")).toBeUndefined();
    expect(parseDuration("m5")).toBeUndefined();
  });

  it("formats whole seconds", () => {
    expect(formatDuration(95_000)).toBe("1m35s");
    expect(formatDuration(7_200_000)).toBe("2h");
    expect(formatDuration(0)).toBe("0s");
  });
});
