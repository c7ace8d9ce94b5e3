import { execFile } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import pg from "pg";
import { signalGroup } from "./supervised-process";

const run = promisify(execFile);

/**
 * The run's own PostgreSQL + PostGIS: infra/local/postgres.sh with the run's state directory and
 * port, so it is created, started and made ready exactly as the shared one is.
 */
export class PostgresServer {
  #dataDirectory: string | undefined;
  #socketDirectories: string[] = [];

  constructor(
    private readonly repoRoot: string,
    private readonly runDir: string,
    readonly port: number,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  get url(): string {
    return `postgres://udaconnect@127.0.0.1:${this.port}/udaconnect`;
  }

  async start(): Promise<void> {
    await this.#script("start");
    if (this.#dataDirectory === undefined) {
      const client = new pg.Client({ connectionString: this.url });
      await client.connect();
      try {
        this.#dataDirectory = (await client.query<{ data_directory: string }>("SHOW data_directory")).rows[0]?.data_directory;
        const sockets = (await client.query<{ unix_socket_directories: string }>("SHOW unix_socket_directories")).rows[0]?.unix_socket_directories ?? "";
        this.#socketDirectories = sockets
          .split(",")
          .map((dir) => dir.trim())
          .filter(Boolean);
      } finally {
        await client.end();
      }
    }
  }

  /** SIGKILL to the postmaster and every backend at once (one process group): a crash, not a shutdown. */
  async kill(): Promise<void> {
    if (this.#dataDirectory === undefined) throw new Error("PostgreSQL was never started");
    const pid = Number(readFileSync(join(this.#dataDirectory, "postmaster.pid"), "utf8").split("\n")[0]);
    const group = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[2]);
    if (!Number.isInteger(group) || group <= 1 || group === groupOf(process.pid))
      throw new Error(`refusing to kill process group ${group} of PostgreSQL pid ${pid}`);
    signalGroup(group, "SIGKILL");
    const deadline = Date.now() + 10_000;
    while (livingMembers(group).length > 0 && Date.now() < deadline) await sleep(50);
    // This machine's init does not reap orphans at once: a killed postmaster may linger as a zombie,
    // which the next postmaster takes for a live one ("lock file postmaster.pid already exists").
    // Every process of the group is dead now, so the lock files (the data directory's and the
    // Unix socket's) are stale: remove them, as an operator would after a crash.
    if (livingMembers(group).length === 0) {
      rmSync(join(this.#dataDirectory, "postmaster.pid"), { force: true });
      for (const dir of this.#socketDirectories) rmSync(join(dir, `.s.PGSQL.${this.port}.lock`), { force: true });
    }
  }

  async stop(): Promise<void> {
    await this.#script("stop");
  }

  async #script(command: "start" | "stop"): Promise<void> {
    try {
      await run("bash", [join(this.repoRoot, "infra/local/postgres.sh"), command], {
        env: { ...this.env, UDACONNECT_STATE_DIR: this.runDir, PG_PORT: String(this.port) },
        timeout: 120_000,
      });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? "";
      throw new Error(`infra/local/postgres.sh ${command} failed for the chaos run's PostgreSQL: ${stderr.trim().split("\n").slice(-5).join(" | ")}`);
    }
  }
}

function groupOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[2]);
}

/** The processes of a group that are neither gone nor zombies. */
function livingMembers(group: number): number[] {
  const living: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      const [state, , pgrp] = fields;
      if (Number(pgrp) === group && state !== "Z" && state !== "X") living.push(Number(entry));
    } catch {
      // Gone while listing.
    }
  }
  return living;
}
