import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { childProcessEnv, testMasterKeysFile } from "@udaconnect/test-support";
import type { LogLine } from "./log-lines";

const PROJECTOR_DIR = fileURLToPath(new URL("..", import.meta.url));

export interface ChildProjector {
  /** Every JSON line the child wrote to stdout so far. */
  readonly lines: LogLine[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** Its stderr so far, for failure messages. */
  stderr(): string;
}

/** The projector process needs a master keys file (docs/erasure.md); these tests append no sealed events. */
const SHARED_MASTER_KEYS = await testMasterKeysFile();

/**
 * Runs src/main.ts as its own process, as a deployment would. Node loads tsx
 * as a hook (`--import tsx`) rather than through the tsx CLI, which would put
 * a second process in between and leave the projector running after SIGKILL.
 */
export function spawnProjector(env: Readonly<Record<string, string>>, masterKeysFile = SHARED_MASTER_KEYS): ChildProjector {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: PROJECTOR_DIR,
    env: childProcessEnv({ UDACONNECT_MASTER_KEYS_FILE: masterKeysFile, ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line.startsWith("{") ? (JSON.parse(line) as LogLine) : { level: "raw", msg: line });
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { lines, exited, kill: (signal) => child.kill(signal), stderr: () => stderr };
}
