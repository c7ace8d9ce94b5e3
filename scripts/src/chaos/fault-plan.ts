import { mulberry32 } from "../simulate/conference";

/** Processes SIGKILLed and started again. */
export const KILLS = ["kafka-kill", "postgres-kill", "gateway-kill", "projector-kill", "device-kill"] as const;
/** Toxiproxy faults on a link between a service and Kafka or PostgreSQL. */
export const NETWORK_FAULTS = ["latency", "reset-peer", "disconnect", "stall"] as const;
export const FAULT_KINDS = [...KILLS, ...NETWORK_FAULTS] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The proxied links: the gateway's and the projectors' Kafka connections, the projectors' PostgreSQL one. */
export const LINKS = ["kafka-ingest", "kafka-projector", "postgres"] as const;
export type Link = (typeof LINKS)[number];

export interface PlannedFault {
  readonly kind: FaultKind;
  /** For network faults: which link. */
  readonly link?: Link;
  /** For projector and device kills: which instance (index modulo their number). */
  readonly instance: number;
  /** How long the fault holds: a killed process stays down this long; a toxic stays this long. */
  readonly holdMs: number;
  /** Quiet time before this fault, after the previous one has ended. */
  readonly gapMs: number;
  /** latency: added milliseconds each way (with 10 % jitter); reset-peer: ms before the reset. */
  readonly parameter: number;
}

/**
 * An endless, seeded sequence of faults: every kind once per round, in a shuffled order, with
 * random holds, gaps and targets. The run takes faults from it one after another until its
 * injection window closes, so the same seed gives the same faults in the same order.
 */
export function* faultPlan(seed: number): Generator<PlannedFault> {
  const random = mulberry32(seed ^ 0x5eed_c4a0);
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  for (;;) {
    const round: FaultKind[] = [...FAULT_KINDS];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [round[i], round[j]] = [round[j] as FaultKind, round[i] as FaultKind];
    }
    for (const kind of round) {
      const network = (NETWORK_FAULTS as readonly string[]).includes(kind);
      yield {
        kind,
        ...(network ? { link: LINKS[Math.floor(random() * LINKS.length)] as Link } : {}),
        instance: between(0, 1_000),
        holdMs: network ? between(2_000, 8_000) : between(200, 3_000),
        gapMs: between(500, 3_000),
        parameter: kind === "latency" ? between(100, 1_000) : kind === "reset-peer" ? between(0, 1_000) : 0,
      };
    }
  }
}
