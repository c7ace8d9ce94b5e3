import { inheritedEnv } from "@udaconnect/test-support";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// In the integration project although it needs no server: it starts some twenty Node
// processes (about 30 s of CPU), too slow for the unit project.
const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Every command of the README's table, and how its --help begins. */
const COMMANDS: readonly { command: readonly string[]; help: string }[] = [
  { command: ["scripts/up"], help: "Runs the whole pipeline locally" },
  { command: ["scripts/test"], help: "The whole test suite" },
  { command: ["scripts/import-legacy"], help: "usage: scripts/import-legacy" },
  { command: ["scripts/replay"], help: "usage: scripts/replay" },
  { command: ["scripts/simulate"], help: "usage: scripts/simulate" },
  { command: ["scripts/chaos"], help: "usage: scripts/chaos" },
  { command: ["scripts/mint-token"], help: "usage: scripts/mint-token" },
  { command: ["scripts/rebuild"], help: "usage: scripts/rebuild" },
  { command: ["scripts/prune-locations"], help: "usage: scripts/prune-locations" },
  { command: ["scripts/rotate-master-key"], help: "usage: scripts/rotate-master-key" },
  { command: ["scripts/bench-ingest"], help: "usage: scripts/bench-ingest" },
  { command: ["scripts/bench-projector"], help: "usage: scripts/bench-projector" },
  { command: ["scripts/bench-query"], help: "usage: scripts/bench-query" },
  { command: ["scripts/bench-freshness"], help: "usage: scripts/bench-freshness" },
  { command: ["bash", "infra/local/services.sh"], help: "usage: services.sh" },
  { command: ["scripts/ops"], help: "usage: scripts/ops" },
  { command: ["scripts/build-images"], help: "Builds the OCI images of UdaConnect" },
  { command: ["scripts/test-cluster"], help: "The cluster stage of the test suite" },
  { command: ["scripts/test-containers"], help: "Runs integration tests once through testcontainers" },
  { command: ["scripts/generate-k8s-topics"], help: "usage: scripts/generate-k8s-topics" },
  { command: ["scripts/render-diagram"], help: "usage: scripts/render-diagram" },
  { command: ["bash", "infra/k8s/check.sh"], help: "usage: infra/k8s/check.sh" },
  { command: ["bash", "infra/k8s/make-secrets.sh"], help: "usage: infra/k8s/make-secrets.sh" },
  { command: ["bash", "infra/local-cluster/cluster.sh"], help: "usage: cluster.sh" },
];

// Addresses where nothing listens: answering --help or refusing a flag must need no
// server, and must not find or start the local ones.
const ENV = inheritedEnv({ KAFKA_BROKERS: "127.0.0.1:9", DATABASE_URL: "postgres://nobody@127.0.0.1:9/nothing" });

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: readonly string[], args: readonly string[]): Promise<Outcome> {
  const [file = "", ...fixed] = command;
  return new Promise((resolve) => {
    execFile(file, [...fixed, ...args], { cwd: REPO, env: ENV, timeout: 50_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
}

describe.concurrent("every command's interface", () => {
  for (const { command, help } of COMMANDS) {
    const name = command.at(-1) ?? "";

    it(`${name} --help: usage on stdout, nothing on stderr, exit 0`, { timeout: 60_000 }, async () => {
      const outcome = await run(command, ["--help"]);

      expect(outcome).toMatchObject({ code: 0, stderr: "" });
      expect(outcome.stdout.startsWith(help)).toBe(true);
    });

    // scripts/test hands its arguments to vitest, which judges them after the whole set-up.
    it.skipIf(name === "scripts/test")(`${name} --no-such-flag: one line on stderr naming it, exit 2`, { timeout: 60_000 }, async () => {
      const outcome = await run(command, ["--no-such-flag"]);

      expect(outcome).toMatchObject({ code: 2, stdout: "" });
      expect(outcome.stderr).toMatch(/^[^\n]*--no-such-flag[^\n]*\n$/);
    });
  }

  it("a failure is one line on stderr saying what to do next, exit 1", { timeout: 60_000 }, async () => {
    const [importing, simulating, minting] = await Promise.all([
      run(["scripts/import-legacy"], ["--ingest-url", "http://127.0.0.1:9"]),
      run(["scripts/simulate"], ["--ingest-url", "http://127.0.0.1:9", "--attendees", "2"]),
      run(["scripts/mint-token"], ["--role", "analyst", "--subject", "a", "--key-file", "/nonexistent/key.jwk.json"]),
    ]);

    for (const [outcome, prefix] of [
      [importing, "import-legacy"],
      [simulating, "simulate"],
    ] as const) {
      expect(outcome).toMatchObject({
        code: 1,
        stderr: `${prefix}: no ingest gateway answers at http://127.0.0.1:9 (connect ECONNREFUSED 127.0.0.1:9): start the pipeline with ./scripts/up (in another terminal), or pass --ingest-url\n`,
      });
    }
    expect(minting).toMatchObject({ code: 1, stdout: "" });
    expect(minting.stderr).toMatch(/^mint-token: [^\n]*\/nonexistent\/key\.jwk\.json[^\n]*\n$/);
  });
});
