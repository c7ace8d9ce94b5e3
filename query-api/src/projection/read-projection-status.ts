import type { EndOffset, FetchEndOffsets } from "../kafka/end-offsets";
import type { ProjectedPartition } from "../postgres/projection-checkpoints";
import { partitionStatuses, totalLag } from "./projection-status";

export interface ProjectionStatus {
  readonly projected: ProjectedPartition[];
  /** Undefined when Kafka is not configured or did not answer. */
  readonly ends?: EndOffset[];
  readonly newestCheckInAt?: Date;
}

export type ReadProjectionStatus = () => Promise<ProjectionStatus>;

export interface ProjectionStatusPorts {
  readonly projectedPartitions: () => Promise<ProjectedPartition[]>;
  readonly newestCheckInAt: () => Promise<Date | undefined>;
  /** With the topics the projector reads; absent when Kafka is not configured. */
  readonly endOffsets?: { readonly fetch: FetchEndOffsets; readonly topics: readonly string[] };
  readonly onKafkaError?: (error: unknown) => void;
}

export function projectionStatusReader(ports: ProjectionStatusPorts): ReadProjectionStatus {
  return async () => {
    const [projected, newestCheckInAt] = await Promise.all([ports.projectedPartitions(), ports.newestCheckInAt()]);
    let ends: EndOffset[] | undefined;
    if (ports.endOffsets !== undefined) {
      try {
        ends = await ports.endOffsets.fetch(ports.endOffsets.topics);
      } catch (error) {
        ports.onKafkaError?.(error);
      }
    }
    return { projected, ends, newestCheckInAt };
  };
}

/**
 * Why the projection is too far behind to serve, or undefined when it is not (or when the
 * end of the log is unknown: a Kafka outage alone does not make stale-free reads impossible).
 */
export async function projectionLagProblem(read: ReadProjectionStatus, maxLag: bigint): Promise<string | undefined> {
  const status = await read();
  const lag = status.ends === undefined ? undefined : totalLag(partitionStatuses(status.projected, status.ends));
  return lag !== undefined && lag > maxLag ? `The projection is ${lag} records behind the log (bound ${maxLag}).` : undefined;
}
