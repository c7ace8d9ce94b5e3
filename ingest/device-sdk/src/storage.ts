/** A check-in as the queue keeps it: everything needed to send it again after a restart. */
export interface QueuedCheckIn {
  readonly eventId: string;
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Unix milliseconds. */
  readonly occurredAtMs: number;
  readonly accuracyM?: number;
}

/** What survived the last run: check-ins not yet acknowledged, oldest first, and how many were ever dropped. */
export interface LoadedQueue {
  readonly pending: QueuedCheckIn[];
  readonly dropped: number;
}

/**
 * Where the queue persists. Each method resolves once what it wrote is
 * durable (fsync'd for files), so the queue only forgets a check-in after the
 * gateway acknowledged it AND that acknowledgement is on disk.
 */
export interface QueueStorage {
  load(): Promise<LoadedQueue>;
  append(checkIns: readonly QueuedCheckIn[]): Promise<void>;
  acknowledge(eventIds: readonly string[]): Promise<void>;
  recordDropped(count: number): Promise<void>;
  close(): Promise<void>;
}

/** Keeps nothing across restarts: for tests and for devices that accept losing a queue on reboot. */
export function memoryStorage(): QueueStorage {
  const pending = new Map<string, QueuedCheckIn>();
  let dropped = 0;
  return {
    load: async () => ({ pending: [...pending.values()], dropped }),
    append: async (checkIns) => {
      for (const c of checkIns) pending.set(c.eventId, c);
    },
    acknowledge: async (ids) => {
      for (const id of ids) pending.delete(id);
    },
    recordDropped: async (count) => {
      dropped += count;
    },
    close: async () => {},
  };
}
