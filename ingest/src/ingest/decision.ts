import type { LogPosition } from "@udaconnect/schemas";
import type { FieldViolation } from "./violations";
import type { AppendEvents, OutgoingEvent } from "./ports";

/** What a command decided: the events to append and the reply once they are durable, or why it refused. */
export type Decision<Reply> =
  | { readonly outcome: "accepted"; readonly events: readonly OutgoingEvent[]; readonly reply: Reply }
  | { readonly outcome: "rejected"; readonly violations: readonly FieldViolation[] };

export type Outcome<Reply> =
  | { readonly outcome: "appended"; readonly reply: Reply; readonly positions: readonly LogPosition[] }
  | { readonly outcome: "rejected"; readonly violations: readonly FieldViolation[] };

/** Appends an accepted decision's events; a refused one appends nothing. */
export async function carryOut<Reply>(decision: Decision<Reply>, appendEvents: AppendEvents): Promise<Outcome<Reply>> {
  if (decision.outcome === "rejected") {
    return decision;
  }
  const positions = await appendEvents(decision.events);
  return { outcome: "appended", reply: decision.reply, positions };
}
