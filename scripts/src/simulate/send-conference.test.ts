import { create } from "@bufbuild/protobuf";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import {
  CheckInResult_Status,
  IngestService,
  RegisterPersonResponseSchema,
  StreamCheckInsResponseSchema,
  type StreamCheckInsRequest,
} from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import { planConference } from "./conference";
import { sendConference } from "./send-conference";

const conference = planConference({
  seed: 1,
  attendees: 3,
  booths: 2,
  start: new Date("2026-11-27T09:00:00Z"),
  sessions: 1,
  sessionSeconds: 300,
  checkInEverySeconds: 60,
  idPrefix: "p",
  origin: { latitude: 0, longitude: 0 },
});

/** An in-memory gateway that records what it was sent and rejects the check-ins of person p2. */
function fakeGateway() {
  const registered: string[] = [];
  const batches: number[] = [];
  const transport = createRouterTransport((router) => {
    router.service(IngestService, {
      registerPerson: (request) => {
        registered.push(request.personId);
        return create(RegisterPersonResponseSchema, { personId: request.personId });
      },
      async *streamCheckIns(requests: AsyncIterable<StreamCheckInsRequest>) {
        for await (const request of requests) {
          batches.push(request.checkIns.length);
          yield create(StreamCheckInsResponseSchema, {
            batchId: request.batchId,
            results: request.checkIns.map((c) =>
              c.personId === "p2"
                ? { eventId: c.eventId, status: CheckInResult_Status.REJECTED, reason: "FORBIDDEN_PERSON", detail: "not yours" }
                : { eventId: c.eventId, status: CheckInResult_Status.ACCEPTED },
            ),
          });
        }
      },
    });
  });
  return { client: createClient(IngestService, transport), registered, batches };
}

describe("sending a conference", () => {
  it("registers everyone, then streams the check-ins in batches and counts the answers", async () => {
    const gateway = fakeGateway();

    const report = await sendConference(gateway.client, conference, { batchSize: 4 });

    expect(gateway.registered.sort()).toEqual(["p0", "p1", "p2"]);
    expect(gateway.batches).toEqual([4, 4, 4, 3]);
    expect(report).toMatchObject({ registered: 3, accepted: 10, duplicate: 0 });
    expect(report.rejected).toHaveLength(5);
    expect(report.rejected[0]).toMatchObject({ reason: "FORBIDDEN_PERSON", detail: "not yours" });
  });

  it("paces the batches at the rate, against the start", async () => {
    let clock = 1_000;
    const waits: number[] = [];

    await sendConference(fakeGateway().client, conference, {
      batchSize: 5,
      ratePerSecond: 10,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });

    expect(waits).toEqual([500, 500]);
  });
});
