/** The documented exit codes of scripts/ops. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** Refused on purpose: a rebuild already running, more replicas than partitions. */
  refused: 3,
  /** Ctrl-C: ops stopped following; whatever it started in the cluster continues. */
  interrupted: 130,
} as const;

/**
 * How a command ended. Expected outcomes are returned, not thrown; thrown errors
 * (the API server unreachable, a permission missing) end as failures at the edge.
 */
export type Outcome =
  | { readonly kind: "ok" }
  | { readonly kind: "refused"; readonly message: string }
  | { readonly kind: "failed"; readonly message: string }
  | { readonly kind: "interrupted"; readonly message: string };

export const ok: Outcome = Object.freeze({ kind: "ok" });

export function exitCodeOf(outcome: Outcome): number {
  switch (outcome.kind) {
    case "ok":
      return ExitCode.ok;
    case "refused":
      return ExitCode.refused;
    case "failed":
      return ExitCode.failure;
    case "interrupted":
      return ExitCode.interrupted;
  }
}

/** Progress goes to stderr, results to stdout: `ops status --output json | jq` stays clean. */
export interface Reporter {
  progress(line: string): void;
  result(text: string): void;
}
