import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where a kubeconfig can come from, as the environment tells: the only reader of process.env in ops. */
export interface KubeConfigSources {
  /** KUBECONFIG is set, or ~/.kube/config exists. */
  readonly file: boolean;
  /** Inside a pod: the service account's token and the API server's address. */
  readonly inCluster: boolean;
}

export function kubeConfigSources(env: NodeJS.ProcessEnv = process.env): KubeConfigSources {
  return Object.freeze({
    file: (env.KUBECONFIG ?? "") !== "" || existsSync(join(env.HOME ?? homedir(), ".kube", "config")),
    inCluster: (env.KUBERNETES_SERVICE_HOST ?? "") !== "",
  });
}
