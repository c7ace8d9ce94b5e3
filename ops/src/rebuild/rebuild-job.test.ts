import { readFileSync } from "node:fs";
import { loadAllYaml, type V1Deployment } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { rebuildJobFrom, rebuildJobName } from "./rebuild-job";

const now = new Date("2026-12-02T09:15:30.123Z");

const projector: V1Deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "projector", namespace: "udaconnect", labels: { "app.kubernetes.io/name": "projector" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { "app.kubernetes.io/name": "projector", app: "projector" } },
    template: {
      metadata: {
        labels: {
          "app.kubernetes.io/name": "projector",
          app: "projector",
          "udaconnect.io/kafka": "client",
          "udaconnect.io/postgres": "writer",
          "pod-template-hash": "abc",
        },
        annotations: { "kubectl.kubernetes.io/restartedAt": "2026-12-01T00:00:00Z" },
      },
      spec: {
        serviceAccountName: "projector",
        automountServiceAccountToken: false,
        hostNetwork: true,
        securityContext: { runAsNonRoot: true, runAsUser: 10001 },
        terminationGracePeriodSeconds: 30,
        initContainers: [{ name: "wait-for-migrations", image: "postgis" }],
        containers: [
          { name: "sidecar", image: "envoy" },
          {
            name: "projector",
            image: "localhost/udaconnect/projector:dev",
            imagePullPolicy: "IfNotPresent",
            command: ["node", "/app/dist/main.js"],
            args: ["--verbose"],
            ports: [{ name: "ops", containerPort: 9465 }],
            env: [{ name: "KAFKA_BROKERS", valueFrom: { configMapKeyRef: { name: "udaconnect-settings", key: "KAFKA_BROKERS" } } }],
            envFrom: [{ secretRef: { name: "projector-kafka" } }],
            readinessProbe: { httpGet: { path: "/readyz", port: "ops" } },
            livenessProbe: { httpGet: { path: "/healthz", port: "ops" } },
            resources: { requests: { cpu: "100m" } },
            securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
          },
        ],
        volumes: [{ name: "tmp", emptyDir: {} }],
      },
    },
  },
};

describe("rebuildJobFrom", () => {
  it("runs the rebuild CLI with the projector container's image, environment, volumes, security context and account", () => {
    const spec = rebuildJobFrom(projector, { graceSeconds: 60, now });
    expect(spec.kind).toBe("job");
    const job = spec.kind === "job" ? spec.job : undefined;
    expect(job).toEqual({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: "projector-rebuild-20261202-091530",
        labels: {
          "app.kubernetes.io/name": "projector-rebuild",
          "app.kubernetes.io/part-of": "udaconnect",
          "app.kubernetes.io/component": "rebuild",
          "app.kubernetes.io/managed-by": "udaconnect-ops",
        },
        annotations: { "udaconnect.io/rebuild-grace-seconds": "60", "udaconnect.io/made-from": "deployment/projector" },
      },
      spec: {
        backoffLimit: 0,
        ttlSecondsAfterFinished: 604_800,
        template: {
          metadata: {
            labels: {
              "udaconnect.io/kafka": "client",
              "udaconnect.io/postgres": "writer",
              "app.kubernetes.io/name": "projector-rebuild",
              "app.kubernetes.io/part-of": "udaconnect",
              "app.kubernetes.io/component": "rebuild",
              "app.kubernetes.io/managed-by": "udaconnect-ops",
            },
          },
          spec: {
            restartPolicy: "Never",
            serviceAccountName: "projector",
            automountServiceAccountToken: false,
            hostNetwork: true,
            securityContext: { runAsNonRoot: true, runAsUser: 10001 },
            terminationGracePeriodSeconds: 30,
            volumes: [{ name: "tmp", emptyDir: {} }],
            containers: [
              {
                name: "rebuild",
                image: "localhost/udaconnect/projector:dev",
                imagePullPolicy: "IfNotPresent",
                command: ["node", "/app/dist/cli.js", "rebuild", "--grace-seconds", "60"],
                env: [{ name: "KAFKA_BROKERS", valueFrom: { configMapKeyRef: { name: "udaconnect-settings", key: "KAFKA_BROKERS" } } }],
                envFrom: [{ secretRef: { name: "projector-kafka" } }],
                resources: { requests: { cpu: "100m" } },
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
          },
        },
      },
    });
  });

  it("refuses a Deployment without a projector container", () => {
    const other: V1Deployment = {
      ...projector,
      spec: {
        ...projector.spec!,
        template: {
          spec: {
            containers: [
              { name: "a", image: "x" },
              { name: "b", image: "y" },
            ],
          },
        },
      },
    };
    expect(rebuildJobFrom(other, { graceSeconds: 0, now })).toEqual({ kind: "unusable", reason: 'Deployment projector has no container named "projector"' });
  });

  it("makes a Job the projector Deployment of infra/k8s/base can run: same image, env, master keys, policy labels, not selected by the Deployment", () => {
    const docs = loadAllYaml(readFileSync(new URL("../../../infra/k8s/base/projector.yaml", import.meta.url), "utf8")) as { kind: string }[];
    const deployment = docs.find((d) => d.kind === "Deployment") as V1Deployment;
    const spec = rebuildJobFrom(deployment, { graceSeconds: 300, now });
    expect(spec.kind).toBe("job");
    const pod = spec.kind === "job" ? spec.job.spec?.template : undefined;
    const container = pod?.spec?.containers[0];
    const live = deployment.spec?.template.spec?.containers.find((c) => c.name === "projector");
    expect(container?.image).toBe(live?.image);
    expect(container?.env).toEqual(live?.env);
    expect(container?.command).toEqual(["node", "/app/dist/cli.js", "rebuild", "--grace-seconds", "300"]);
    // A rebuild opens sealed events (docs/erasure.md): the master keys Secret and its file come along.
    const masterKeys = container?.env?.find((e) => e.name === "UDACONNECT_MASTER_KEYS_FILE")?.value ?? "";
    const mount = container?.volumeMounts?.find((m) => masterKeys.startsWith(`${m.mountPath}/`));
    expect(mount?.readOnly).toBe(true);
    expect(pod?.spec?.volumes?.find((v) => v.name === mount?.name)?.secret?.secretName).toBe("udaconnect-master-keys");
    const selector = deployment.spec?.selector.matchLabels ?? {};
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    expect(Object.entries(selector).every(([key, value]) => pod?.metadata?.labels?.[key] !== value)).toBe(true);
    for (const [key, value] of Object.entries(deployment.spec?.template.metadata?.labels ?? {}).filter(([key]) => key.startsWith("udaconnect.io/"))) {
      expect(pod?.metadata?.labels?.[key]).toBe(value);
    }
  });
});

describe("rebuildJobName", () => {
  it("sorts by time and is a valid Job name", () => {
    expect(rebuildJobName(now)).toBe("projector-rebuild-20261202-091530");
    expect(rebuildJobName(now)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
