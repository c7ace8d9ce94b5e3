import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { CheckInSchema, type IngestService, type RecordLocationsRequest, RecordLocationsRequestSchema } from "@udaconnect/schemas";
import type { LegacyImportPlan } from "./legacy-plan";

export interface SentPlan {
  readonly personsRegistered: number;
  readonly checkInsAccepted: number;
}

/** Check-ins per stream message: small messages, one stream, one Kafka append. */
const CHECK_INS_PER_MESSAGE = 100;

/**
 * Sends a plan through the ingest API: people first (so the read model has
 * them when their check-ins arrive), then every check-in in one stream.
 */
export async function sendPlan(client: Client<typeof IngestService>, plan: LegacyImportPlan): Promise<SentPlan> {
  for (const person of plan.persons) {
    await client.registerPerson(person);
  }
  if (plan.checkIns.length === 0) {
    return { personsRegistered: plan.persons.length, checkInsAccepted: 0 };
  }
  const reply = await client.recordLocations(messages(plan));
  return { personsRegistered: plan.persons.length, checkInsAccepted: reply.acceptedCount };
}

async function* messages(plan: LegacyImportPlan): AsyncGenerator<RecordLocationsRequest> {
  for (let i = 0; i < plan.checkIns.length; i += CHECK_INS_PER_MESSAGE) {
    yield create(RecordLocationsRequestSchema, {
      checkIns: plan.checkIns.slice(i, i + CHECK_INS_PER_MESSAGE).map((c) => create(CheckInSchema, { ...c, occurredAt: timestampFromDate(c.occurredAt) })),
    });
  }
}
