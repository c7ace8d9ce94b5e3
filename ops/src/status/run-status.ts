import type { V1Pod, V1Service } from "@kubernetes/client-node";
import type { Cluster } from "../kubernetes/cluster";
import type { Outcome, Reporter } from "../outcome";
import { formatStatus } from "./format-status";
import { lagFromProjectionStatus, lagFromProjectorMetrics, type ProjectionLag } from "./projection-lag";
import { statusReport } from "./status-report";

export const QUERY_API_SERVICE = "query-api";
const PROJECTOR_PODS = "app.kubernetes.io/name=projector,app.kubernetes.io/component!=rebuild";
const PROJECTOR_DEFAULT_PORT = "9465";

export async function runStatus(command: { output: "text" | "json" }, { cluster, reporter }: { cluster: Cluster; reporter: Reporter }): Promise<Outcome> {
  const [deployments, sets, jobs, projection] = await Promise.all([
    cluster.listDeployments(),
    cluster.listStatefulSets(),
    cluster.listJobs(),
    projectionLag(cluster),
  ]);
  const report = statusReport(cluster.namespace, deployments, sets, jobs, projection);
  reporter.result(command.output === "json" ? JSON.stringify(report, null, 2) : formatStatus(report));
  return { kind: "ok" };
}

/**
 * The lag from the services' own endpoints, through the API server's proxy: query-api's
 * /v1/projection/status first (it knows the end offsets), else the projector pods'
 * /metrics. query-api normally answers 401 there: the API server consumes the
 * Authorization header and passes none on.
 */
async function projectionLag(cluster: Cluster): Promise<ProjectionLag> {
  const reasons: string[] = [];
  try {
    const service = await cluster.getService(QUERY_API_SERVICE);
    if (service === undefined) {
      reasons.push(`query-api: no Service ${QUERY_API_SERVICE}`);
    } else {
      return lagFromProjectionStatus(await cluster.proxyGet({ kind: "service", name: QUERY_API_SERVICE, port: servicePort(service) }, "/v1/projection/status"));
    }
  } catch (error) {
    reasons.push(`query-api: ${messageOf(error)}`);
  }
  try {
    const pods = (await cluster.listPods(PROJECTOR_PODS)).filter((p) => p.status?.phase === "Running");
    if (pods.length === 0) {
      reasons.push("projector: no running pod");
    } else {
      const texts = await Promise.all(pods.map((pod) => cluster.proxyGet({ kind: "pod", name: pod.metadata?.name ?? "", port: podPort(pod) }, "/metrics")));
      return lagFromProjectorMetrics(texts);
    }
  } catch (error) {
    reasons.push(`projector: ${messageOf(error)}`);
  }
  return { source: "unavailable", reasons };
}

function servicePort(service: V1Service): string {
  const ports = service.spec?.ports ?? [];
  const port = ports.find((p) => p.name === "http") ?? ports[0];
  return port?.name ?? String(port?.port ?? 80);
}

function podPort(pod: V1Pod): string {
  const container = pod.spec?.containers.find((c) => c.name === "projector") ?? pod.spec?.containers[0];
  const named = container?.ports?.find((p) => p.name === "metrics" || p.name === "http") ?? container?.ports?.[0];
  const fromEnv = container?.env?.find((e) => e.name === "PROJECTOR_PORT")?.value;
  return String(named?.containerPort ?? fromEnv ?? PROJECTOR_DEFAULT_PORT);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
