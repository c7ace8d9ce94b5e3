import { setTimeout as sleep } from "node:timers/promises";
import { FAULT_KINDS, type FaultKind, type Link, type PlannedFault } from "./fault-plan";
import { waitForBroker } from "./kafka-broker";
import { BROKER_READY_MS, waitForService, type Pipeline } from "./pipeline";
import type { Toxic } from "./toxiproxy";

/** A fault as it happened. Times are epoch milliseconds. */
export interface InjectedFault {
  readonly kind: FaultKind;
  /** What it hit: a link, or a process. */
  readonly target: string;
  readonly startedAt: number;
  /** The toxic removed, or the restart begun. */
  readonly liftedAt: number;
  /** The restarted process answering again (= liftedAt for network faults and devices). */
  readonly readyAt: number;
  readonly problem?: string;
}

/** Typical time a fault takes from start to ready, so the last one still fits in the window. */
const EXPECTED_RECOVERY_MS: Partial<Record<FaultKind, number>> = {
  "kafka-kill": 25_000,
  "postgres-kill": 6_000,
  "gateway-kill": 8_000,
  "projector-kill": 8_000,
};

/** Injects the plan's faults one after another until `windowEndsAt`; returns what it did. */
export async function injectFaults(p: Pipeline, plan: Iterator<PlannedFault>, windowEndsAt: number, say: (line: string) => void): Promise<InjectedFault[]> {
  const done: InjectedFault[] = [];
  // A fault that would not end (and recover) inside the window is passed over for a shorter
  // one; a whole round passed over ends the injection.
  for (let passedOver = 0; passedOver < FAULT_KINDS.length; ) {
    const next = plan.next();
    if (next.done === true) break;
    const fault = next.value;
    if (Date.now() + fault.gapMs + fault.holdMs + (EXPECTED_RECOVERY_MS[fault.kind] ?? 1_000) > windowEndsAt) {
      passedOver++;
      continue;
    }
    passedOver = 0;
    await sleep(fault.gapMs);
    const injected = await inject(p, fault);
    done.push(injected);
    const took = ((injected.readyAt - injected.startedAt) / 1000).toFixed(1);
    say(
      `fault ${done.length}: ${injected.kind} on ${injected.target}, ${took} s until ready again${injected.problem === undefined ? "" : ` (${injected.problem})`}`,
    );
  }
  return done;
}

async function inject(p: Pipeline, fault: PlannedFault): Promise<InjectedFault> {
  const startedAt = Date.now();
  const held = async () => {
    await sleep(fault.holdMs);
    return Date.now();
  };
  const result = (target: string, liftedAt: number, readyAt: number, problem?: string): InjectedFault => ({
    kind: fault.kind,
    target,
    startedAt,
    liftedAt,
    readyAt,
    ...(problem === undefined ? {} : { problem }),
  });
  const restarted = async (target: string, kill: () => Promise<void>, start: () => Promise<void>) => {
    await kill();
    const liftedAt = await held();
    try {
      await start();
      return result(target, liftedAt, Date.now());
    } catch (error) {
      return result(target, liftedAt, Date.now(), error instanceof Error ? error.message : String(error));
    }
  };
  switch (fault.kind) {
    case "kafka-kill":
      return restarted(
        "kafka",
        () => p.broker.kill(),
        async () => {
          p.broker.start();
          await waitForBroker(p.brokerPorts.direct, BROKER_READY_MS);
        },
      );
    case "postgres-kill":
      return restarted(
        "postgres",
        () => p.postgres.kill(),
        () => p.postgres.start(),
      );
    case "gateway-kill":
      return restarted(
        "gateway",
        () => p.gateway.kill(),
        async () => {
          p.gateway.start();
          await waitForService(p.gatewayPort, "gateway");
        },
      );
    case "projector-kill": {
      const i = fault.instance % p.projectors.length;
      const projector = p.projectors[i];
      if (projector === undefined) throw new Error(`no projector ${i}`);
      return restarted(
        `projector-${i}`,
        () => projector.kill(),
        async () => {
          projector.start();
          await waitForService(p.projectorPorts[i] ?? 0, `projector-${i}`);
        },
      );
    }
    case "device-kill": {
      const live = p.devices.filter((d) => d.running);
      const device = live[fault.instance % Math.max(1, live.length)];
      if (device === undefined) return result("no running device", startedAt, startedAt);
      return restarted(
        device.spec.name,
        () => device.kill(),
        async () => device.start(),
      );
    }
    default:
      return networkFault(p, fault, fault.link ?? "postgres", held, result);
  }
}

async function networkFault(
  p: Pipeline,
  fault: PlannedFault,
  link: Link,
  held: () => Promise<number>,
  result: (target: string, liftedAt: number, readyAt: number) => InjectedFault,
): Promise<InjectedFault> {
  if (fault.kind === "disconnect") {
    await p.toxiproxy.setEnabled(link, false);
    const liftedAt = await held();
    await p.toxiproxy.setEnabled(link, true);
    return result(link, liftedAt, liftedAt);
  }
  const toxics = toxicsOf(fault);
  for (const toxic of toxics) await p.toxiproxy.addToxic(link, toxic);
  const liftedAt = await held();
  for (const toxic of toxics) await p.toxiproxy.removeToxic(link, toxic.name);
  return result(link, liftedAt, liftedAt);
}

function toxicsOf(fault: PlannedFault): Toxic[] {
  const both = (make: (stream: Toxic["stream"]) => Toxic) => [make("upstream"), make("downstream")];
  switch (fault.kind) {
    case "latency":
      return both((stream) => ({
        name: `latency-${stream}`,
        type: "latency",
        stream,
        attributes: { latency: fault.parameter, jitter: Math.round(fault.parameter / 10) },
      }));
    case "reset-peer":
      return [{ name: "reset-peer", type: "reset_peer", stream: "upstream", attributes: { timeout: fault.parameter } }];
    case "stall":
      // timeout 0: nothing gets through and the connection is never closed, until the toxic goes.
      return both((stream) => ({ name: `stall-${stream}`, type: "timeout", stream, attributes: { timeout: 0 } }));
    default:
      throw new Error(`${fault.kind} is not a network fault`);
  }
}
