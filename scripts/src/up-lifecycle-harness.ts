import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A command of scripts/ (`./scripts/up` unless told) as a child process, in a session of its own
 * as a terminal would run it.
 */
export class ScriptProcess {
  readonly pid: number;
  readonly name: string;
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;

  constructor(env: NodeJS.ProcessEnv, command: readonly string[] = ["scripts/up"]) {
    const [file = "", ...args] = command;
    this.name = file;
    this.child = spawn(file, args, { cwd: REPO, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    if (this.child.pid === undefined) {
      throw new Error(`${file} did not start`);
    }
    this.pid = this.child.pid;
    this.child.stdout?.on("data", (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on("exit", (code, signal) => resolve({ code, signal })));
  }

  /** What a terminal's Ctrl-C does: SIGINT to the whole foreground process group. */
  pressCtrlC(): void {
    process.kill(-this.pid, "SIGINT");
  }

  /** `kill -INT <pid>`: SIGINT to the command alone. */
  interrupt(): void {
    process.kill(this.pid, "SIGINT");
  }

  /** What closing its terminal does: SIGHUP to the whole foreground process group. */
  closeTerminal(): void {
    process.kill(-this.pid, "SIGHUP");
  }

  async waitFor(stream: "stdout" | "stderr", pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exit: Exit | undefined;
    void this.exited.then((value) => (exit = value));
    while (!pattern.test(this[stream])) {
      if (exit !== undefined) {
        throw new Error(`${this.name} exited (${exit.code ?? exit.signal}) before ${stream} showed ${pattern}:\n${this.stderr}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`no ${pattern} on ${stream} of ${this.name} within ${timeoutMs} ms:\n${this.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async exitWithin(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} still runs ${timeoutMs} ms on:\n${this.stderr}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The pid each service reported when it became ready ("ingest is ready (pid 123, …)"). */
  servicePids(): Record<string, number> {
    const pids: Record<string, number> = {};
    for (const [, name = "", pid = ""] of this.stderr.matchAll(/(\S+) is ready \(pid (\d+),/g)) {
      pids[name] = Number(pid);
    }
    return pids;
  }
}

export interface RunningProcess {
  readonly pid: number;
  readonly command: string;
}

/**
 * Every process that belongs to the instance with state directory `stateDir`: its name in the
 * command line (Kafka's config, PostgreSQL's data directory) or in the environment (what up and
 * the scripts it runs start, with UDACONNECT_STATE_DIR or the services' marker).
 */
export function processesOf(stateDir: string): RunningProcess[] {
  const found: RunningProcess[] = [];
  for (const pid of allPids()) {
    const command = readProc(pid, "cmdline").replaceAll("\0", " ").trim();
    const environment = readProc(pid, "environ").split("\0");
    const ours =
      command.includes(stateDir) || environment.includes(`UDACONNECT_STATE_DIR=${stateDir}`) || environment.includes(`UDACONNECT_UP_STATE_DIR=${stateDir}`);
    if (ours && pid !== process.pid && !isZombie(pid)) {
      found.push({ pid, command });
    }
  }
  return found;
}

/**
 * SIGKILL to `root` and all its descendants, each stopped first so that none forks away.
 * Returns the pids killed.
 */
export function killTree(root: number): number[] {
  const tree = new Set<number>();
  let fresh = [root];
  while (fresh.length > 0) {
    for (const pid of fresh) {
      signal(pid, "SIGSTOP");
      tree.add(pid);
    }
    const parents = new Set(fresh);
    fresh = allPids().filter((pid) => !tree.has(pid) && parents.has(parentOf(pid)));
  }
  for (const pid of tree) {
    signal(pid, "SIGKILL");
  }
  return [...tree];
}

/** True once the process has left the process table (killed and reaped, as after a reboot). */
export function isGone(pid: number): boolean {
  return readProc(pid, "stat") === "";
}

export function isRunning(pid: number): boolean {
  return readProc(pid, "stat") !== "" && !isZombie(pid);
}

function allPids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
}

/** Fields of /proc/PID/stat after the command name (which may hold spaces): state, ppid, … */
function statFields(pid: number): string[] {
  const stat = readProc(pid, "stat");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function isZombie(pid: number): boolean {
  return ["Z", "X", undefined, ""].includes(statFields(pid)[0]);
}

function parentOf(pid: number): number {
  return Number(statFields(pid)[1]);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already: nothing to signal.
  }
}
