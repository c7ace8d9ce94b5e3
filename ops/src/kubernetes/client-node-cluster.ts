import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { PassThrough } from "node:stream";
import { createInterface } from "node:readline";
import { AppsV1Api, BatchV1Api, CoreV1Api, CustomObjectsApi, Log, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Job } from "@kubernetes/client-node";
import type { Cluster, CustomObject, ProxyTarget } from "./cluster";
import { isNotFound, KubernetesError, translateError } from "./kubernetes-error";

/** The Cluster port over @kubernetes/client-node 1.x, in one namespace. */
export function createCluster(kc: KubeConfig, namespace: string): Cluster {
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const log = new Log(kc);

  return {
    namespace,
    getDeployment: (name) => orUndefined(apps.readNamespacedDeployment({ name, namespace }), `reading Deployment ${name}`),
    listDeployments: async (labelSelector) => (await call(apps.listNamespacedDeployment({ namespace, labelSelector }), "listing Deployments")).items,
    listStatefulSets: async () => (await call(apps.listNamespacedStatefulSet({ namespace }), "listing StatefulSets")).items,
    scaleDeployment: async (name, replicas) => {
      await call(
        apps.patchNamespacedDeploymentScale({ name, namespace, body: { spec: { replicas } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch)),
        `scaling Deployment ${name}`,
      );
    },
    listJobs: async (labelSelector) => (await call(batch.listNamespacedJob({ namespace, labelSelector }), "listing Jobs")).items,
    getJob: (name) => orUndefined(batch.readNamespacedJob({ name, namespace }), `reading Job ${name}`),
    createJob: (job: V1Job) => call(batch.createNamespacedJob({ namespace, body: job }), "creating the Job"),
    listPods: async (labelSelector) => (await call(core.listNamespacedPod({ namespace, labelSelector }), "listing Pods")).items,
    deletePod: async (name) => {
      await call(core.deleteNamespacedPod({ name, namespace }), `deleting Pod ${name}`).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    },
    followLog: (pod, container, onLine, options) => followLog(log, namespace, pod, container, onLine, options),
    getService: (name) => orUndefined(core.readNamespacedService({ name, namespace }), `reading Service ${name}`),
    proxyGet: (target, path) => proxyGet(kc, namespace, target, path),
    serves: async ({ group, version, plural }) => {
      try {
        const list = await custom.getAPIResources({ group, version });
        return list.resources.some((r) => r.name === plural);
      } catch (error) {
        if (isNotFound(error)) return false;
        throw translateError(error, `discovering ${group}/${version}`);
      }
    },
    listCustomObjects: async ({ group, version, plural }, ns, labelSelector) => {
      const list = (await call(custom.listNamespacedCustomObject({ group, version, namespace: ns, plural, labelSelector }), `listing ${plural}.${group}`)) as {
        items: CustomObject[];
      };
      return list.items;
    },
    applyCustomObject: ({ group, version, plural }, object, { fieldManager, dryRun }) =>
      call(
        custom.patchNamespacedCustomObject(
          {
            group,
            version,
            plural,
            namespace: object.metadata.namespace ?? namespace,
            name: object.metadata.name,
            body: object,
            fieldManager,
            force: true,
            ...(dryRun ? { dryRun: "All" } : {}),
          },
          setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
        ),
        `applying ${object.kind} ${object.metadata.name}`,
      ) as Promise<CustomObject>,
  };
}

async function call<T>(promise: Promise<T>, what: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw translateError(error, what);
  }
}

async function orUndefined<T>(promise: Promise<T>, what: string): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw translateError(error, what);
  }
}

async function followLog(
  log: Log,
  namespace: string,
  pod: string,
  container: string,
  onLine: (timestamp: string, text: string) => void,
  { sinceTime, signal }: { sinceTime?: string; signal: AbortSignal },
): Promise<void> {
  const stream = new PassThrough();
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const ended = new Promise<void>((resolve) => lines.once("close", resolve));
  lines.on("line", (line) => {
    const space = line.indexOf(" ");
    onLine(space < 0 ? "" : line.slice(0, space), space < 0 ? line : line.slice(space + 1));
  });
  let controller: AbortController;
  try {
    controller = await log.log(namespace, pod, container, stream, { follow: true, timestamps: true, ...(sinceTime === undefined ? {} : { sinceTime }) });
  } catch (error) {
    stream.end();
    throw translateError(error, `reading the log of Pod ${pod}`);
  }
  const stop = () => {
    controller.abort();
    stream.end();
  };
  signal.addEventListener("abort", stop, { once: true });
  // An aborted or broken response does not end the piped stream: end it so that the caller moves on.
  stream.once("unpipe", () => stream.end());
  try {
    await ended;
  } finally {
    signal.removeEventListener("abort", stop);
  }
}

/** GET /api/v1/namespaces/NS/{services|pods}/NAME:PORT/proxy/PATH with the kubeconfig's credentials. */
async function proxyGet(kc: KubeConfig, namespace: string, target: ProxyTarget, path: string): Promise<string> {
  const server = kc.getCurrentCluster()?.server ?? "";
  const url = new URL(
    `${server.replace(/\/$/, "")}/api/v1/namespaces/${namespace}/${target.kind}s/${target.name}:${target.port}/proxy/${path.replace(/^\//, "")}`,
  );
  const options: RequestOptions = { method: "GET", headers: { accept: "application/json, text/plain" }, timeout: 10_000 };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(body);
        } else {
          reject(translateProxyError(status, body, `GET ${target.kind}s/${target.name}:${target.port}/proxy/${path.replace(/^\//, "")}`));
        }
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within 10 s from ${url.pathname}`)));
    req.on("error", reject);
    req.end();
  });
}

function translateProxyError(status: number, body: string, what: string): KubernetesError {
  let message = body.trim().slice(0, 300);
  let reason: string | undefined;
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: string; reason?: string; title?: string; detail?: string };
    message = parsed.kind === "Status" ? (parsed.message ?? message) : (parsed.detail ?? parsed.title ?? message);
    reason = parsed.reason;
  } catch {
    // not JSON: the text as it came
  }
  return new KubernetesError(status, `${what}: HTTP ${status}${message === "" ? "" : `: ${message}`}`, reason);
}
