// The part of newman's programmatic API the Postman test uses (@types/newman would pull in a
// second @types/node for the whole workspace).
declare module "newman" {
  interface NewmanRunOptions {
    collection: unknown;
    environment?: unknown;
    envVar?: readonly { key: string; value: string }[];
    reporters?: string | string[];
    timeoutRequest?: number;
    bail?: boolean;
  }
  interface NewmanRunSummary {
    run: unknown;
  }
  function run(options: NewmanRunOptions, callback: (error: Error | null | undefined, summary: NewmanRunSummary) => void): unknown;
  const newman: { run: typeof run };
  export default newman;
  export type { NewmanRunOptions, NewmanRunSummary };
}
