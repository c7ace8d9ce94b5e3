import type { Consumer } from "kafkajs";
import type { Logger } from "@udaconnect/observability";
import type { PartitionCheckpoint, ReadCheckpoints } from "../projection/ports";

type Assignment = Readonly<Record<string, readonly number[]>>;

/**
 * Makes consumption resume from the checkpoints in PostgreSQL, not from the
 * group's offsets in Kafka (committed after PostgreSQL, so possibly behind, or
 * ahead when the read models were rebuilt).
 *
 * kafkajs starts fetching right after it emits GROUP_JOIN, and a seek only
 * takes effect on the next fetch; an asynchronous database read in the handler
 * would race the first fetch. So the seek is synchronous, from positions held
 * in memory (loaded at start, advanced by every committed batch). A read
 * afterwards moves partitions forward that another instance advanced while it
 * owned them; the checkpoint lock and offset filter keep even a stale position
 * correct, at the cost of re-reading.
 */
export class ResumePositions {
  private readonly positions = new Map<string, bigint>();

  constructor(
    private readonly consumer: Pick<Consumer, "seek">,
    private readonly readCheckpoints: ReadCheckpoints,
    private readonly logger: Logger,
  ) {}

  /** Replaces the known positions with `checkpoints` (call before consuming). */
  load(checkpoints: readonly PartitionCheckpoint[]): void {
    for (const c of checkpoints) {
      this.positions.set(key(c.topic, c.partition), c.nextOffset);
    }
  }

  /** Records where a partition stands after one of our own commits. */
  advance({ topic, partition, nextOffset }: PartitionCheckpoint): void {
    const known = this.positions.get(key(topic, partition));
    if (known === undefined || nextOffset > known) {
      this.positions.set(key(topic, partition), nextOffset);
    }
  }

  /** Seeks every assigned partition; call it synchronously from GROUP_JOIN. */
  onAssigned(assignment: Assignment): void {
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const nextOffset = this.positions.get(key(topic, partition));
        // A partition without a checkpoint was never projected: from its first record.
        this.seek({ topic, partition, nextOffset: nextOffset ?? 0n }, nextOffset === undefined ? "beginning" : "checkpoint");
      }
    }
    this.refresh(assignment).catch((error: unknown) => {
      this.logger.warn({ err: error }, "could not refresh checkpoints after an assignment; resuming from known positions");
    });
  }

  private async refresh(assignment: Assignment): Promise<void> {
    const stored = await this.readCheckpoints(Object.keys(assignment));
    for (const c of stored) {
      const known = this.positions.get(key(c.topic, c.partition));
      const assigned = assignment[c.topic]?.includes(c.partition) ?? false;
      if (assigned && (known === undefined || c.nextOffset > known)) {
        this.positions.set(key(c.topic, c.partition), c.nextOffset);
        this.seek(c, "refreshed checkpoint");
      }
    }
  }

  private seek({ topic, partition, nextOffset }: PartitionCheckpoint, from: string): void {
    this.consumer.seek({ topic, partition, offset: nextOffset.toString() });
    this.logger.info({ topic, partition, offset: nextOffset, from }, "resuming partition");
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
