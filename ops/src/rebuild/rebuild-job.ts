import type { V1Container, V1Deployment, V1Job, V1PodSpec } from "@kubernetes/client-node";

export const PROJECTOR_DEPLOYMENT = "projector";
export const PROJECTOR_CONTAINER = "projector";
export const REBUILD_CONTAINER = "rebuild";
/** The label every rebuild Job and its pod carry; `ops status` and the refusal find them by it. */
export const REBUILD_SELECTOR = "app.kubernetes.io/part-of=udaconnect,app.kubernetes.io/component=rebuild";
/** A finished rebuild Job stays this long, so that `ops status` shows the history. */
export const REBUILD_TTL_SECONDS = 7 * 24 * 3600;

const REBUILD_LABELS = {
  "app.kubernetes.io/name": "projector-rebuild",
  "app.kubernetes.io/part-of": "udaconnect",
  "app.kubernetes.io/component": "rebuild",
  "app.kubernetes.io/managed-by": "udaconnect-ops",
} as const;

export interface RebuildJobOptions {
  readonly graceSeconds: number;
  readonly now: Date;
}

export type RebuildJobSpec = { readonly kind: "job"; readonly job: V1Job } | { readonly kind: "unusable"; readonly reason: string };

/**
 * The rebuild Job made from the projector Deployment's pod template: the same image,
 * environment, volumes, security context and service account, so that the rebuild
 * reaches Kafka and PostgreSQL exactly as the projector does, and the template's
 * labels that NetworkPolicies select on (udaconnect.io/kafka=client …). It takes
 * neither the labels the Deployment selects by nor the app.kubernetes.io ones (its
 * ReplicaSet, Services and PodDisruptionBudgets must not count it), nor the probes,
 * ports or init containers (the live projector already waited for the migrations).
 */
export function rebuildJobFrom(deployment: V1Deployment, options: RebuildJobOptions): RebuildJobSpec {
  const pod = deployment.spec?.template.spec;
  const containers = pod?.containers ?? [];
  const projector = containers.find((c) => c.name === PROJECTOR_CONTAINER) ?? (containers.length === 1 ? containers[0] : undefined);
  if (pod === undefined || projector === undefined) {
    return { kind: "unusable", reason: `Deployment ${deployment.metadata?.name ?? "?"} has no container named "${PROJECTOR_CONTAINER}"` };
  }
  if (projector.image === undefined || projector.image === "") {
    return { kind: "unusable", reason: `the "${projector.name}" container of Deployment ${deployment.metadata?.name ?? "?"} names no image` };
  }
  return {
    kind: "job",
    job: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: rebuildJobName(options.now),
        labels: { ...REBUILD_LABELS },
        annotations: {
          "udaconnect.io/rebuild-grace-seconds": String(options.graceSeconds),
          "udaconnect.io/made-from": `deployment/${deployment.metadata?.name ?? PROJECTOR_DEPLOYMENT}`,
        },
      },
      spec: {
        backoffLimit: 0,
        ttlSecondsAfterFinished: REBUILD_TTL_SECONDS,
        template: {
          metadata: { labels: { ...policyLabels(deployment), ...REBUILD_LABELS } },
          spec: rebuildPodSpec(pod, rebuildContainer(projector, options.graceSeconds)),
        },
      },
    },
  };
}

function rebuildContainer(projector: V1Container, graceSeconds: number): V1Container {
  return dropUndefined({
    name: REBUILD_CONTAINER,
    image: projector.image,
    imagePullPolicy: projector.imagePullPolicy,
    command: ["node", "/app/dist/cli.js", "rebuild", "--grace-seconds", String(graceSeconds)],
    env: projector.env,
    envFrom: projector.envFrom,
    volumeMounts: projector.volumeMounts,
    securityContext: projector.securityContext,
    resources: projector.resources,
    workingDir: projector.workingDir,
  });
}

function rebuildPodSpec(pod: V1PodSpec, container: V1Container): V1PodSpec {
  return dropUndefined({
    restartPolicy: "Never",
    containers: [container],
    volumes: pod.volumes,
    securityContext: pod.securityContext,
    serviceAccountName: pod.serviceAccountName,
    automountServiceAccountToken: pod.automountServiceAccountToken,
    imagePullSecrets: pod.imagePullSecrets,
    nodeSelector: pod.nodeSelector,
    tolerations: pod.tolerations,
    hostNetwork: pod.hostNetwork,
    dnsPolicy: pod.dnsPolicy,
    dnsConfig: pod.dnsConfig,
    enableServiceLinks: pod.enableServiceLinks,
    priorityClassName: pod.priorityClassName,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
  });
}

function policyLabels(deployment: V1Deployment): Record<string, string> {
  const selected = new Set(Object.keys(deployment.spec?.selector.matchLabels ?? {}));
  const labels = Object.entries(deployment.spec?.template.metadata?.labels ?? {});
  return Object.fromEntries(labels.filter(([key]) => !selected.has(key) && !key.startsWith("app.kubernetes.io/") && key !== "pod-template-hash"));
}

/** projector-rebuild-20261202-091530: sortable, and readable in `kubectl get jobs`. */
export function rebuildJobName(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `projector-rebuild-${stamp}`;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
