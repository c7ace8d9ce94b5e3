import { FAULT_KINDS, type FaultKind } from "./fault-plan";
import type { InjectedFault } from "./inject";

/** What one device process left on disk (device-main.ts). */
export interface DeviceRecord {
  readonly name: string;
  readonly queued: readonly { readonly t: number; readonly q: readonly string[] }[];
  readonly acks: readonly { readonly t: number; readonly a: readonly string[]; readonly d: readonly string[]; readonly r: readonly string[] }[];
  /** The final stats, written once its queue was empty; undefined when it never drained. */
  readonly stats?: DeviceStats;
  /** The last stats of a device still draining when the run gave up on it. */
  readonly draining?: DeviceStats;
}

interface DeviceStats {
  readonly queued: number;
  readonly rejected: number;
  readonly dropped: number;
  readonly lastError?: string;
}

export interface Evidence {
  readonly devices: readonly DeviceRecord[];
  /** Event id → how many LocationRecorded records of the topic carry it. */
  readonly log: ReadonlyMap<string, number>;
  /** Event id → rows of the location read model. */
  readonly readModel: ReadonlyMap<string, number>;
  readonly faults: readonly InjectedFault[];
  /** The read model's row count over time. */
  readonly projection: readonly { readonly t: number; readonly rows: number }[];
  /** Per partition, records of the topic the projection has not applied (end offset − checkpoint). */
  readonly lag: Readonly<Record<string, number>>;
  readonly unplannedExits: Readonly<Record<string, number>>;
}

export interface Spread {
  readonly count: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface FaultFigures {
  readonly injected: number;
  /** Fault start → the process answering again (kills only). */
  readonly downMs: Spread;
  /** Fault lifted → every device has an acknowledgement again. */
  readonly toAckMs: Spread;
  /** Fault lifted → the read model grows again. */
  readonly toProjectionMs: Spread;
}

export interface Summary {
  readonly ok: boolean;
  readonly checkIns: {
    readonly queued: number;
    readonly acknowledged: number;
    readonly accepted: number;
    readonly duplicateAnswers: number;
    readonly rejected: number;
    readonly dropped: number;
  };
  readonly lost: { readonly fromReadModel: number; readonly fromLog: number; readonly sample: readonly string[] };
  /** logRecords: event ids appended more than once (the read model keeps one row each). */
  readonly doubled: { readonly readModelRows: number; readonly logRecords: number };
  /** The locations topic: its records, and the most copies of one event id. */
  readonly log: { readonly records: number; readonly maxCopies: number };
  /** Rows of the read model that no device was told about (e.g. appended, then the answer lost). */
  readonly unacknowledgedButProjected: number;
  readonly queuesDrained: boolean;
  /** Each with what it still held and its last error, when it said. */
  readonly undrainedDevices: readonly string[];
  readonly projectionCaughtUp: boolean;
  readonly lag: Readonly<Record<string, number>>;
  readonly faults: { readonly total: number; readonly byKind: Readonly<Partial<Record<FaultKind, FaultFigures>>>; readonly problems: readonly string[] };
  readonly ackLatencyMs: { readonly duringFaults: Spread; readonly outsideFaults: Spread };
  readonly unplannedExits: Readonly<Record<string, number>>;
}

/** Compares, check-in by check-in, what the devices were told with the log and the read model. */
export function judge(e: Evidence): Summary {
  const acknowledged = new Set<string>();
  let accepted = 0;
  let duplicateAnswers = 0;
  let rejected = 0;
  const ackedAt = new Map<string, number>();
  for (const device of e.devices) {
    for (const ack of device.acks) {
      for (const id of [...ack.a, ...ack.d]) {
        acknowledged.add(id);
        if (!ackedAt.has(id)) ackedAt.set(id, ack.t);
      }
      accepted += ack.a.length;
      duplicateAnswers += ack.d.length;
      rejected += ack.r.length;
    }
  }
  const lostFromReadModel = [...acknowledged].filter((id) => !e.readModel.has(id));
  const lostFromLog = [...acknowledged].filter((id) => !e.log.has(id));
  const doubledRows = [...e.readModel.values()].filter((n) => n > 1).length;
  const doubledLog = [...e.log.values()].filter((n) => n > 1).length;
  const undrainedDevices = e.devices
    .filter((d) => d.stats === undefined || d.stats.queued > 0)
    .map((d) => (d.draining === undefined ? d.name : `${d.name} (${d.draining.queued} queued, last error: ${d.draining.lastError ?? "none"})`));
  const projectionCaughtUp = Object.keys(e.lag).length > 0 && Object.values(e.lag).every((n) => n === 0);
  const queued = e.devices.reduce((n, d) => n + d.queued.reduce((m, q) => m + q.q.length, 0), 0);
  const dropped = e.devices.reduce((n, d) => n + (d.stats?.dropped ?? 0), 0);
  const summary = {
    checkIns: { queued, acknowledged: acknowledged.size, accepted, duplicateAnswers, rejected, dropped },
    lost: { fromReadModel: lostFromReadModel.length, fromLog: lostFromLog.length, sample: [...new Set([...lostFromReadModel, ...lostFromLog])].slice(0, 20) },
    doubled: { readModelRows: doubledRows, logRecords: doubledLog },
    log: { records: [...e.log.values()].reduce((a, b) => a + b, 0), maxCopies: [...e.log.values()].reduce((a, b) => Math.max(a, b), 0) },
    unacknowledgedButProjected: [...e.readModel.keys()].filter((id) => !acknowledged.has(id)).length,
    queuesDrained: undrainedDevices.length === 0,
    undrainedDevices,
    projectionCaughtUp,
    lag: e.lag,
    faults: {
      total: e.faults.length,
      byKind: faultFigures(e),
      problems: e.faults.flatMap((f) => (f.problem === undefined ? [] : [`${f.kind}: ${f.problem}`])),
    },
    ackLatencyMs: ackLatency(e, ackedAt),
    unplannedExits: e.unplannedExits,
  };
  const ok =
    summary.lost.fromReadModel === 0 && summary.lost.fromLog === 0 && doubledRows === 0 && summary.queuesDrained && projectionCaughtUp && acknowledged.size > 0;
  return { ok, ...summary };
}

function faultFigures(e: Evidence): Partial<Record<FaultKind, FaultFigures>> {
  const acksByDevice = e.devices.map((d) => d.acks.map((a) => a.t));
  const figures: Partial<Record<FaultKind, FaultFigures>> = {};
  for (const kind of FAULT_KINDS) {
    const faults = e.faults.filter((f) => f.kind === kind);
    if (faults.length === 0) continue;
    const toAck = faults.flatMap((f) => {
      const firsts = acksByDevice.map((times) => times.find((t) => t >= f.liftedAt)).filter((t): t is number => t !== undefined);
      return firsts.length === 0 ? [] : [Math.max(...firsts) - f.liftedAt];
    });
    const toProjection = faults.flatMap((f) => {
      const before = [...e.projection].reverse().find((s) => s.t <= f.liftedAt)?.rows ?? 0;
      const grown = e.projection.find((s) => s.t >= f.liftedAt && s.rows > before);
      return grown === undefined ? [] : [grown.t - f.liftedAt];
    });
    const down = (KIND_IS_KILL[kind] ? faults : []).map((f) => f.readyAt - f.startedAt);
    figures[kind] = { injected: faults.length, downMs: spread(down), toAckMs: spread(toAck), toProjectionMs: spread(toProjection) };
  }
  return figures;
}

const KIND_IS_KILL: Record<FaultKind, boolean> = {
  "kafka-kill": true,
  "postgres-kill": true,
  "gateway-kill": true,
  "projector-kill": true,
  "device-kill": true,
  latency: false,
  "reset-peer": false,
  disconnect: false,
  stall: false,
};

/** Queued → acknowledged, split by whether a fault was under way (started, not yet ready again) meanwhile. */
function ackLatency(e: Evidence, ackedAt: ReadonlyMap<string, number>): Summary["ackLatencyMs"] {
  const during: number[] = [];
  const outside: number[] = [];
  for (const device of e.devices) {
    for (const { t, q } of device.queued) {
      for (const id of q) {
        const acked = ackedAt.get(id);
        if (acked === undefined) continue;
        const overlaps = e.faults.some((f) => f.startedAt <= acked && f.readyAt >= t);
        (overlaps ? during : outside).push(acked - t);
      }
    }
  }
  return { duringFaults: spread(during), outsideFaults: spread(outside) };
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { count: 0, p50: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null;
  return { count: sorted.length, p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1] ?? null };
}
