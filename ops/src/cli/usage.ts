const COMMON = `Options of every command:
  -n, --namespace NS   the namespace UdaConnect runs in (default: udaconnect)
      --context NAME   the kubeconfig context (default: the current one)
  -h, --help           this text

The kubeconfig comes from KUBECONFIG, else ~/.kube/config, else the pod's service account
when ops runs inside the cluster. Progress goes to stderr, results to stdout.
Exit codes: 0 done, 1 failed, 2 usage error, 3 refused (see the command's help), 130 Ctrl-C.`;

export const USAGE = {
  main: `usage: scripts/ops <command> [options]

Operates a UdaConnect deployment through the Kubernetes API.

Commands:
  rebuild            rebuild the read models in a Kubernetes Job and follow it to the switch
  scale SERVICE N    scale projector, ingest or query-api to N replicas and wait for the rollout
  status             rollouts, Jobs and the projection's lag
  topics             apply the KafkaTopic resources of the schemas, reporting drift

Run 'scripts/ops <command> --help' for a command's options.

${COMMON}`,

  rebuild: `usage: scripts/ops rebuild [--grace-seconds N] [--timeout D]

Runs 'node /app/dist/cli.js rebuild' as a Kubernetes Job made from the projector Deployment's
pod template (same image, environment, volumes, security context and service account), streams
its log, and reports the switch to the new generation or the failure with its last log lines.
The projector keeps serving the live generation meanwhile.

  --grace-seconds N   how long the retired generation stays before the Job drops it (default 300);
                      the Job, and ops with it, ends after that grace period
  --timeout D         how long to follow, e.g. 90s, 30m, 2h (default 2h); the Job itself has no deadline

Refused (exit 3) while another rebuild Job is active, or when the rebuild finds another
rebuild holding its lock. Ctrl-C stops following; the Job continues ('scripts/ops status').
A finished Job stays for 7 days (ttlSecondsAfterFinished) as history; the pod of a successful
rebuild is deleted at once, the pod of a failed one is kept for 'kubectl logs' until then.

${COMMON}`,

  scale: `usage: scripts/ops scale projector|ingest|query-api N [--timeout D]

Sets the Deployment's replica count (scale subresource) and waits until the rollout is
complete: every replica updated and available.

For the projector, N may not exceed the partitions of the locations topic
(udaconnect.locations.v1): more consumers than partitions would sit idle. The count comes from
the KafkaTopic resource when the Strimzi CRDs are installed, else from @udaconnect/schemas.
Refused (exit 3) above it.

  --timeout D            how long to wait for the rollout (default 5m)
  --kafka-namespace NS   where the KafkaTopic resources live (default: --namespace)

${COMMON}`,

  status: `usage: scripts/ops status [--output text|json]

Prints every Deployment and StatefulSet with its rollout state (ready/desired, up to date), the
Jobs (rebuild, migrate, seed …) with their outcome and times, and the projection's lag per
partition, read through the API server's service proxy from query-api's
/v1/projection/status, or else from the projector pods' /metrics.

  -o, --output text|json   json: one object on stdout for machines (default text)

${COMMON}`,

  topics: `usage: scripts/ops topics [--dry-run] [--kafka-namespace NS] [--kafka-cluster NAME]

Compares the KafkaTopic resources in the cluster with the topics of @udaconnect/schemas
(partitions, config), reports the drift, and applies the desired resources with server-side
apply (field manager udaconnect-ops). Topics in the cluster that the schemas do not know are
reported, never deleted. A partition count cannot shrink: such drift is reported and ends with
exit 1 (recreate the topic by hand if you mean it).

  --dry-run              report the drift and validate the resources on the server; change nothing
  --kafka-namespace NS   where the KafkaTopic resources live (default: --namespace)
  --kafka-cluster NAME   the Strimzi Kafka cluster (label strimzi.io/cluster; default udaconnect)

${COMMON}`,
} as const;

export type HelpTopic = keyof typeof USAGE;
