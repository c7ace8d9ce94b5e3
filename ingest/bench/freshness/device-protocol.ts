/** What the freshness benchmark and its device processes say to each other over IPC. */

export interface PhaseSpec {
  readonly ratePerDevice: number;
  readonly durationMs: number;
  /** Every n-th check-in of the device is followed up (visibility measured). */
  readonly sampleEvery: number;
}

export interface DeviceSettings {
  readonly gatewayUrl: string;
  readonly device: number;
  readonly devices: number;
  readonly personIds: readonly string[];
  readonly maxQueued: number;
  readonly phases: readonly PhaseSpec[];
}

export type ParentMessage = { readonly kind: "run"; readonly phase: number } | { readonly kind: "close" };

export interface SampleMessage {
  readonly kind: "sample";
  readonly phase: number;
  readonly eventId: string;
  readonly personId: string;
  readonly occurredAtMs: number;
  /** Wall-clock ms (sub-ms precision) when onAcknowledged heard of it. */
  readonly ackedAtMs: number;
  /** The batch's consistency token. */
  readonly token: string;
}

export interface PhaseDoneMessage {
  readonly kind: "phase-done";
  readonly phase: number;
  readonly issued: number;
  /** Acknowledged while the phase's clock ran. */
  readonly acknowledged: number;
  readonly windowSeconds: number;
  /** Still queued when the phase's clock stopped. */
  readonly backlog: number;
  readonly drained: boolean;
  readonly drainSeconds: number;
  readonly dropped: number;
  readonly cpuSeconds: number;
}

export type DeviceMessage = { readonly kind: "ready" } | SampleMessage | PhaseDoneMessage;
