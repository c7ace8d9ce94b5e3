import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "@udaconnect/observability";
import type { PartitionCheckpoint, ReadCheckpoints } from "../projection/ports";

/** Partitions of one topic, as the group hands them to a member. */
export interface TopicAssignment {
  readonly topic: string;
  readonly partitions: readonly number[];
}

/**
 * Where the next fetch of each partition assigned to this member starts. Consumption resumes
 * from the checkpoints in PostgreSQL, not from the group's offsets in Kafka (committed after
 * PostgreSQL, so possibly behind, or ahead when the read models were rebuilt).
 *
 * A partition is fetched only once its checkpoint has been read, so the first fetch after an
 * assignment already starts at the checkpoint. A partition that stays assigned keeps its
 * position unless the stored checkpoint is further (another instance advanced it while it
 * owned it, or a rebuild switched generations); the checkpoint lock and offset filter keep
 * even a stale position correct, at the cost of re-reading.
 */
export class ResumePositions {
  readonly #positions = new Map<string, PartitionCheckpoint>();
  #assignments = 0;

  constructor(
    private readonly readCheckpoints: ReadCheckpoints,
    private readonly logger: Logger,
  ) {}

  /** Partitions to fetch and the offset to fetch each from. */
  current(): readonly PartitionCheckpoint[] {
    return [...this.#positions.values()];
  }

  /**
   * Takes a new assignment: revoked partitions stop at once, the others (re)start from their
   * stored checkpoints (offset 0 when there is none). Resolves when the positions are known, or
   * when a newer assignment made this one moot; a failed read is retried until then.
   */
  async assign(assignment: readonly TopicAssignment[], isStopped: () => boolean): Promise<void> {
    const generation = ++this.#assignments;
    const assigned = new Set(assignment.flatMap(({ topic, partitions }) => partitions.map((p) => key(topic, p))));
    for (const k of this.#positions.keys()) {
      if (!assigned.has(k)) this.#positions.delete(k);
    }
    const topics = assignment.filter((a) => a.partitions.length > 0).map((a) => a.topic);
    for (;;) {
      try {
        const stored = await this.readCheckpoints(topics);
        if (generation === this.#assignments) this.#resume(assignment, stored);
        return;
      } catch (error) {
        if (generation !== this.#assignments || isStopped()) return;
        this.logger.warn({ err: error }, "could not read the checkpoints of an assignment; trying again");
        await delay(1_000);
      }
    }
  }

  /** True while the partition is assigned to this member and its position known. */
  holds(topic: string, partition: number): boolean {
    return this.#positions.has(key(topic, partition));
  }

  /**
   * A rebalance began: every partition stops being fetched until the group answers with the new
   * assignment (as the group protocol asks: a member that goes on fetching a partition while
   * another one starts on it wastes both their work).
   */
  revokeAll(): void {
    this.#assignments++;
    this.#positions.clear();
  }

  /** Records where a partition stands after one of our own commits (ignored once it is revoked). */
  advance({ topic, partition, nextOffset }: PartitionCheckpoint): void {
    const known = this.#positions.get(key(topic, partition));
    if (known !== undefined && nextOffset > known.nextOffset) {
      this.#positions.set(key(topic, partition), { topic, partition, nextOffset });
    }
  }

  /** Moves a partition to `nextOffset` whatever it held (the log no longer holds the records before it). */
  moveTo({ topic, partition, nextOffset }: PartitionCheckpoint): void {
    if (this.#positions.has(key(topic, partition))) {
      this.#positions.set(key(topic, partition), { topic, partition, nextOffset });
    }
  }

  #resume(assignment: readonly TopicAssignment[], stored: readonly PartitionCheckpoint[]): void {
    const checkpoints = new Map(stored.map((c) => [key(c.topic, c.partition), c.nextOffset]));
    for (const { topic, partitions } of assignment) {
      for (const partition of partitions) {
        const checkpoint = checkpoints.get(key(topic, partition));
        const known = this.#positions.get(key(topic, partition));
        if (known === undefined) {
          // A partition without a checkpoint was never projected: from its first record.
          this.#seek({ topic, partition, nextOffset: checkpoint ?? 0n }, checkpoint === undefined ? "beginning" : "checkpoint");
        } else if (checkpoint !== undefined && checkpoint > known.nextOffset) {
          this.#seek({ topic, partition, nextOffset: checkpoint }, "refreshed checkpoint");
        }
      }
    }
  }

  #seek(position: PartitionCheckpoint, from: string): void {
    this.#positions.set(key(position.topic, position.partition), position);
    this.logger.info({ topic: position.topic, partition: position.partition, offset: position.nextOffset, from }, "resuming partition");
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
