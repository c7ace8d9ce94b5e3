import { silentLogger } from "@udaconnect/observability";
import { runRebuild, type RebuildOutcome } from "../src/rebuild/run-rebuild";
import { projectorOptions } from "./projector-options";

/** Runs a rebuild the way the CLI does, collecting its progress lines. */
export async function rebuild(
  options: { brokers: string; databaseUrl: string; namespace: string; signal?: AbortSignal; graceMs?: number },
  onProgress: (line: string) => void = () => {},
): Promise<RebuildOutcome> {
  return runRebuild(
    projectorOptions({
      kafkaBrokers: options.brokers,
      databaseUrl: options.databaseUrl,
      topicNamespace: options.namespace,
      groupId: `projector-${options.namespace}`,
      graceMs: options.graceMs ?? 0,
      progressIntervalMs: 100,
      progress: onProgress,
      logger: silentLogger,
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
}
