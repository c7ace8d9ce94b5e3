import { ApiException } from "@kubernetes/client-node";

/** An answer of the API server other than success, with what it said. */
export class KubernetesError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = "KubernetesError";
  }
}

/** ApiException (body as text or a v1 Status) → KubernetesError; anything else unchanged. */
export function translateError(error: unknown, what: string): unknown {
  if (!(error instanceof ApiException)) {
    return error;
  }
  const status = statusOf(error.body);
  const detail = status?.message ?? (typeof error.body === "string" && error.body.length < 300 ? error.body.trim() : `HTTP ${error.code}`);
  return new KubernetesError(error.code, `${what}: ${detail}`, status?.reason);
}

function statusOf(body: unknown): { message?: string; reason?: string } | undefined {
  if (typeof body === "string") {
    try {
      return statusOf(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "Status"
    ? (body as { message?: string; reason?: string })
    : undefined;
}

export function isNotFound(error: unknown): boolean {
  return (error instanceof ApiException && error.code === 404) || (error instanceof KubernetesError && error.status === 404);
}

/** What to do about an error at the edge: permissions and reachability are the usual suspects. */
export function adviceFor(error: unknown): string | undefined {
  if (error instanceof KubernetesError && error.status === 403) {
    return "the account lacks a permission: apply infra/k8s/base/ops-rbac.yaml and run ops as the udaconnect-ops ServiceAccount (docs/operations.md), or use an account that may do this";
  }
  if (error instanceof KubernetesError && error.status === 401) {
    return "the API server did not accept the credentials: check the kubeconfig's user (KUBECONFIG, --context) or refresh its token";
  }
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } } | undefined)?.code ?? (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || code === "EHOSTUNREACH") {
    return "the API server is not reachable: check the kubeconfig's server address (kubectl cluster-info) and that the cluster runs";
  }
  return undefined;
}
