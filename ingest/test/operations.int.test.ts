import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, inject, it } from "vitest";
import { locationsTopic, type StreamCheckInsResponse } from "@udaconnect/schemas";
import { client, startHarness, transports, uniquePersonId, type Harness } from "./harness";
import { Pushable, batch, batches, checkIn } from "./streams";
import { attendee, testKeys } from "./tokens";

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

/** Reads a stream to its end; the responses and how it ended. */
async function drive(responses: AsyncIterable<StreamCheckInsResponse>, onResponse: (r: StreamCheckInsResponse) => void = () => {}) {
  try {
    for await (const response of responses) {
      onResponse(response);
    }
    return "ended";
  } catch (error) {
    const e = ConnectError.from(error);
    return { code: e.code, message: e.rawMessage };
  }
}

describe("/metrics", () => {
  it("counts accepted, duplicate and rejected check-ins, and Kafka send latency, in Prometheus text format", async () => {
    harness = await startHarness(inject("kafkaBrokers"));
    const personId = uniquePersonId();
    const id = randomUUID();
    const grpc = client(transports["gRPC (HTTP/2)"](harness.server.url));

    await drive(grpc.streamCheckIns(batches(batch(1, [checkIn(personId, id), checkIn(personId, id), checkIn(personId, randomUUID(), { latitude: 99 })]))));
    const text = await (await fetch(`${harness.server.url}/metrics`)).text();

    const lines = text.split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        "udaconnect_ingest_check_ins_accepted_total 1",
        "udaconnect_ingest_check_ins_duplicate_total 1",
        'udaconnect_ingest_check_ins_rejected_total{reason="INVALID_LATITUDE"} 1',
        'udaconnect_ingest_kafka_send_seconds_bucket{le="+Inf"} 1',
        "udaconnect_ingest_kafka_send_seconds_count 1",
        "udaconnect_ingest_in_flight_batches 0",
      ]),
    );
  });
});

describe("/metrics for unary calls", () => {
  it("counts each check-in of a refused RecordLocation(s) call by reason, like the streamed ones", async () => {
    const keys = await testKeys();
    harness = await startHarness(inject("kafkaBrokers"), { auth: keys.verify });
    const [me, other] = [uniquePersonId(), uniquePersonId()];
    const headers = await keys.bearer(attendee(me));
    const grpc = client(transports["gRPC (HTTP/2)"](harness.server.url));
    const refused = (call: Promise<unknown>) =>
      call.then(
        () => "succeeded",
        (e: unknown) => Code[ConnectError.from(e).code],
      );

    const outcomes = [
      await refused(grpc.recordLocation({ checkIn: checkIn(me, randomUUID()) }, { headers })),
      await refused(grpc.recordLocation({ checkIn: checkIn(me, randomUUID(), { latitude: 91 }) }, { headers })),
      await refused(
        grpc.recordLocations(once([checkIn(me, randomUUID()), checkIn(me, randomUUID(), { latitude: -99 }), checkIn(me, randomUUID())]), { headers }),
      ),
      await refused(grpc.recordLocation({ checkIn: checkIn(other, randomUUID()) }, { headers })),
      await refused(grpc.recordLocations(once([checkIn(me, randomUUID()), checkIn(other, randomUUID())]), { headers })),
    ];
    const text = await (await fetch(`${harness.server.url}/metrics`)).text();

    expect(outcomes).toEqual(["succeeded", "InvalidArgument", "InvalidArgument", "PermissionDenied", "PermissionDenied"]);
    expect(
      text
        .split("\n")
        .filter((line) => line.startsWith("udaconnect_ingest_check_ins_"))
        .sort(),
    ).toEqual([
      "udaconnect_ingest_check_ins_accepted_total 1",
      "udaconnect_ingest_check_ins_duplicate_total 0",
      'udaconnect_ingest_check_ins_rejected_total{reason="FORBIDDEN_PERSON"} 2',
      'udaconnect_ingest_check_ins_rejected_total{reason="INVALID_LATITUDE"} 2',
      'udaconnect_ingest_check_ins_rejected_total{reason="REFUSED_WITH_CALL"} 3',
    ]);
  });
});

/** One RecordLocations message carrying the check-ins, as a client stream. */
async function* once(checkIns: ReturnType<typeof checkIn>[]) {
  yield { checkIns };
}

describe("limits", () => {
  it("ends a stream open past its time limit with RESOURCE_EXHAUSTED, after answering what it sent", async () => {
    harness = await startHarness(inject("kafkaBrokers"), { maxStreamMs: 500 });
    const requests = new Pushable<ReturnType<typeof batch>>();
    requests.push(batch(1, [checkIn(uniquePersonId(), randomUUID())]));
    const answered: number[] = [];

    const ended = await drive(client(transports["gRPC (HTTP/2)"](harness.server.url)).streamCheckIns(requests), (r) => answered.push(Number(r.batchId)));

    expect(answered).toEqual([1]);
    expect(ended).toEqual({
      code: Code.ResourceExhausted,
      message: "the stream reached its time limit; open a new one and resend the batches not answered",
    });
  });
});

describe("drain", () => {
  it("answers the batches a stream sent, then ends it with UNAVAILABLE and refuses new calls", async () => {
    harness = await startHarness(inject("kafkaBrokers"));
    const personId = uniquePersonId();
    const grpc = client(transports["gRPC (HTTP/2)"](harness.server.url));
    const requests = new Pushable<ReturnType<typeof batch>>();
    const acked: string[] = [];
    let answered!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
    const ended = drive(grpc.streamCheckIns(requests), (r) => {
      acked.push(...r.results.map((x) => x.eventId));
      answered();
    });
    requests.push(batch(1, [checkIn(personId, randomUUID())]));
    await firstAnswer;

    requests.push(batch(2, [checkIn(personId, randomUUID())]));
    const closed = harness.server.close();

    expect(await ended).toEqual({
      code: Code.Unavailable,
      message: "the gateway is shutting down; reconnect and resend the batches not answered",
    });
    await closed;
    const refused = await drive(grpc.streamCheckIns(batches(batch(3, [checkIn(personId, randomUUID())]))));
    expect(refused).toEqual(expect.objectContaining({ code: Code.Unavailable }));
    expect((await harness.reader.records(locationsTopic, personId)).map((r) => r.event.eventId).slice(0, acked.length)).toEqual(acked);
  });
});
