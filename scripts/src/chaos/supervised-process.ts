import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
}

/**
 * A child run in a process group of its own (so a SIGKILL takes its descendants too) and
 * restarted after an exit nobody asked for, as Kubernetes would: `kill` is the only way to stop
 * it for good or for a while. An exit with status 0 counts as finished.
 */
export class SupervisedProcess {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #intended = false;
  #finished = false;
  #stopped = false;
  unplannedExits = 0;
  readonly exitLog: string[] = [];

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Exited with status 0 by itself (a device that drained its queue). */
  get finished(): boolean {
    return this.#finished;
  }

  start(): void {
    if (this.#child !== undefined || this.#stopped) return;
    this.#intended = false;
    const log = openSync(this.spec.logFile, "a");
    const child = spawn(this.spec.command, [...this.spec.args], {
      cwd: this.spec.cwd,
      env: { ...this.spec.env },
      stdio: ["ignore", log, log],
      detached: true,
    });
    closeSync(log);
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.#child = undefined;
        if (code === 0 && !this.#intended) this.#finished = true;
        else if (!this.#intended) {
          this.unplannedExits++;
          this.exitLog.push(`${new Date().toISOString()} ${this.spec.name} exited by itself (${signal ?? `status ${code}`}); restarting`);
          void sleep(1_000).then(() => this.start());
        }
        resolve();
      });
      child.once("error", () => resolve());
    });
  }

  /** Sends `signal` to the whole group and waits (up to `timeoutMs`, then SIGKILL) until it is gone. */
  async kill(signal: NodeJS.Signals = "SIGKILL", timeoutMs = 20_000): Promise<void> {
    const child = this.#child;
    if (child?.pid === undefined) return;
    this.#intended = true;
    signalGroup(child.pid, signal);
    const gone = await Promise.race([this.#exited.then(() => true), sleep(timeoutMs, false)]);
    if (!gone) {
      signalGroup(child.pid, "SIGKILL");
      await this.#exited;
    }
  }

  /** Stops it for good (no more restarts). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    this.#stopped = true;
    await this.kill(signal);
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
