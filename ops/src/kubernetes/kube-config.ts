import { KubeConfig } from "@kubernetes/client-node";
import type { KubeConfigSources } from "../config";

/** The kubeconfig could not be loaded, or names no such context: the operator has to fix it. */
export class KubeConfigError extends Error {}

/**
 * KUBECONFIG, else ~/.kube/config, else the pod's service account (KubeConfig.loadFromDefault).
 * Its last resort, http://localhost:8080, is never what an operator means: refuse it.
 */
export function loadKubeConfig(context: string | undefined, sources: KubeConfigSources): KubeConfig {
  if (!sources.file && !sources.inCluster) {
    throw new KubeConfigError(
      'no kubeconfig: set KUBECONFIG (e.g. eval "$(bash infra/local-cluster/cluster.sh env)" for the local cluster) or create ~/.kube/config',
    );
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (error) {
    throw new KubeConfigError(`the kubeconfig could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (context !== undefined) {
    if (kc.getContextObject(context) === null) {
      throw new KubeConfigError(
        `the kubeconfig has no context "${context}" (it has: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(", ") || "none"
        })`,
      );
    }
    kc.setCurrentContext(context);
  }
  if (kc.getCurrentCluster() === null) {
    throw new KubeConfigError("the kubeconfig's current context names no cluster: pass --context or fix the kubeconfig");
  }
  return kc;
}
