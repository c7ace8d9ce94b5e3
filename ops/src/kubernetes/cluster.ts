import type { V1Deployment, V1Job, V1Pod, V1Service, V1StatefulSet } from "@kubernetes/client-node";

/** A custom resource as the API returns it (KafkaTopic here); the fields ops reads are typed where it reads them. */
export interface CustomObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: Readonly<Record<string, unknown>>;
  readonly status?: Readonly<Record<string, unknown>>;
}

export interface CustomResourceRef {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
}

export type ProxyTarget = { readonly kind: "service" | "pod"; readonly name: string; readonly port: string };

/**
 * What ops asks of the Kubernetes API, in one namespace. Only this folder imports
 * @kubernetes/client-node at run time; the feature folders read the API's object types.
 * Absent objects are undefined, not errors.
 */
export interface Cluster {
  readonly namespace: string;
  getDeployment(name: string): Promise<V1Deployment | undefined>;
  listDeployments(labelSelector?: string): Promise<V1Deployment[]>;
  listStatefulSets(): Promise<V1StatefulSet[]>;
  /** Sets spec.replicas through the scale subresource. */
  scaleDeployment(name: string, replicas: number): Promise<void>;
  listJobs(labelSelector?: string): Promise<V1Job[]>;
  getJob(name: string): Promise<V1Job | undefined>;
  createJob(job: V1Job): Promise<V1Job>;
  listPods(labelSelector: string): Promise<V1Pod[]>;
  deletePod(name: string): Promise<void>;
  /**
   * Streams a container's log line by line (following it) until the container ends,
   * the API server closes the stream, or the signal aborts. Lines carry the
   * kubelet's RFC 3339 timestamp so that a reconnect can skip what was seen.
   */
  followLog(
    pod: string,
    container: string,
    onLine: (timestamp: string, text: string) => void,
    options: { sinceTime?: string; signal: AbortSignal },
  ): Promise<void>;
  getService(name: string): Promise<V1Service | undefined>;
  /** GET through the API server's proxy; throws a KubernetesError on a non-2xx answer. */
  proxyGet(target: ProxyTarget, path: string): Promise<string>;
  /** Whether the API server serves this resource (e.g. the Strimzi CRDs are installed). */
  serves(resource: CustomResourceRef): Promise<boolean>;
  listCustomObjects(resource: CustomResourceRef, namespace: string, labelSelector?: string): Promise<CustomObject[]>;
  /** Server-side apply, forcing ownership of the fields it sets. */
  applyCustomObject(resource: CustomResourceRef, object: CustomObject, options: { fieldManager: string; dryRun: boolean }): Promise<CustomObject>;
}
