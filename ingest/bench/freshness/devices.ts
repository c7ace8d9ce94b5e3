import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { DeviceMessage, DeviceSettings, PhaseDoneMessage, SampleMessage } from "./device-protocol";

const DEVICE_PROCESS = fileURLToPath(new URL("./device-process.ts", import.meta.url));

/** The device processes, driven phase by phase. */
export interface Devices {
  /** Runs one phase on every device; `onSample` hears each sampled acknowledgement as it comes. */
  runPhase(phase: number, onSample: (sample: SampleMessage) => void): Promise<PhaseDoneMessage[]>;
  close(): Promise<void>;
}

export async function startDevices(settings: Omit<DeviceSettings, "device">): Promise<Devices> {
  const children: ChildProcess[] = [];
  let onSample: (sample: SampleMessage) => void = () => {};
  const waiting = new Map<ChildProcess, (done: PhaseDoneMessage) => void>();
  for (let device = 0; device < settings.devices; device++) {
    const child = fork(DEVICE_PROCESS, [JSON.stringify({ ...settings, device })], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(child);
    child.on("message", (message: DeviceMessage) => {
      if (message.kind === "sample") onSample(message);
      else if (message.kind === "phase-done") waiting.get(child)?.(message);
    });
  }
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          child.on("message", (message: DeviceMessage) => message.kind === "ready" && resolve());
          child.once("exit", (code) => reject(new Error(`a device process exited (${code}) before it was ready`)));
        }),
    ),
  );
  return {
    async runPhase(phase, sampleHandler) {
      onSample = sampleHandler;
      const results = children.map((child) => new Promise<PhaseDoneMessage>((resolve) => waiting.set(child, resolve)));
      for (const child of children) child.send({ kind: "run", phase });
      return Promise.all(results);
    },
    async close() {
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = once(child, "exit");
          child.send({ kind: "close" });
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
