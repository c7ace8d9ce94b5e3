import { parseOpsArgs, type Command } from "./cli/parse-args";
import { kubeConfigSources } from "./config";
import type { Cluster } from "./kubernetes/cluster";
import { createCluster } from "./kubernetes/client-node-cluster";
import { KubeConfigError, loadKubeConfig } from "./kubernetes/kube-config";
import { adviceFor } from "./kubernetes/kubernetes-error";
import { ExitCode, exitCodeOf, type Outcome, type Reporter } from "./outcome";
import { runRebuild } from "./rebuild/run-rebuild";
import { runScale } from "./scale/run-scale";
import { runStatus } from "./status/run-status";
import { runTopics } from "./topics/run-topics";

const reporter: Reporter = {
  progress: (line) => process.stderr.write(`${line}\n`),
  result: (text) => process.stdout.write(`${text}\n`),
};

function run(command: Command, cluster: Cluster, signal: AbortSignal): Promise<Outcome> {
  switch (command.kind) {
    case "rebuild":
      return runRebuild(command, { cluster, reporter, signal });
    case "scale":
      return runScale(command, { cluster, reporter, signal });
    case "status":
      return runStatus(command, { cluster, reporter });
    case "topics":
      return runTopics(command, { cluster, reporter });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseOpsArgs(argv);
  if (parsed.kind === "help") {
    process.stdout.write(`${parsed.text}\n`);
    return ExitCode.ok;
  }
  if (parsed.kind === "usage-error") {
    process.stderr.write(`${parsed.message}\n`);
    return ExitCode.usage;
  }
  const interrupt = new AbortController();
  process.once("SIGINT", () => interrupt.abort());
  process.once("SIGTERM", () => interrupt.abort());
  try {
    const kc = loadKubeConfig(parsed.global.context, kubeConfigSources());
    const outcome = await run(parsed.command, createCluster(kc, parsed.global.namespace), interrupt.signal);
    if (outcome.kind !== "ok") {
      process.stderr.write(`ops ${parsed.command.kind}: ${outcome.kind === "refused" ? "refused: " : ""}${outcome.message}\n`);
    }
    return exitCodeOf(outcome);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const advice = error instanceof KubeConfigError ? undefined : adviceFor(error);
    process.stderr.write(`ops ${parsed.command.kind}: ${message}${advice === undefined ? "" : `\n  ${advice}`}\n`);
    return ExitCode.failure;
  }
}

process.exitCode = await main(process.argv.slice(2));
