import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, inject, it } from "vitest";
import { locationsTopic, type StreamCheckInsResponse } from "@udaconnect/schemas";
import { client, startHarness, transports, uniquePersonId, type Harness } from "./harness";
import { Pushable, batch, batches, checkIn } from "./streams";

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

describe("limits", () => {
  it("ends a stream open past its time limit with RESOURCE_EXHAUSTED, after answering what it sent", async () => {
    harness = await startHarness(inject("kafkaBrokers"), { maxStreamMs: 500 });
    const requests = new Pushable<ReturnType<typeof batch>>();
    requests.push(batch(1, [checkIn(uniquePersonId(), randomUUID())]));
    const answered: number[] = [];

    const ended = await drive(client(transports["gRPC (HTTP/2)"](harness.server.url)).streamCheckIns(requests), (r) =>
      answered.push(Number(r.batchId)),
    );

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
