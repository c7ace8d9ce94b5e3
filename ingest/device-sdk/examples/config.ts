import { tmpdir } from "node:os";
import { join } from "node:path";

/** Settings of the walking-device example, from its environment. */
export interface ExampleConfig {
  readonly personId: string;
  readonly gatewayUrl: string;
  readonly token: string | undefined;
  readonly queueDir: string;
  /** Milliseconds between check-ins. */
  readonly stepMs: number;
  /** Stop after this many legs between booths; undefined walks until Ctrl-C. */
  readonly legs: number | undefined;
}

export function loadExampleConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  const personId = env.PERSON_ID ?? "walker-1";
  return Object.freeze({
    personId,
    gatewayUrl: env.GATEWAY_URL ?? "http://127.0.0.1:50051",
    token: env.DEVICE_TOKEN,
    queueDir: env.QUEUE_DIR ?? join(tmpdir(), `udaconnect-device-${personId}`),
    stepMs: Number(env.STEP_MS ?? 500),
    legs: env.LEGS === undefined ? undefined : Number(env.LEGS),
  });
}
