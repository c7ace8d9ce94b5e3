import { constants } from "node:http2";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { locationsTopic, personsTopic } from "@udaconnect/schemas";
import { gatewayTest } from "./fixtures";
import { startHarness, type Harness } from "./harness";
import { OPERATOR, testKeys, type TestKeys } from "./tokens";

// Bytes that are not a protobuf message (field 2 with wire type 7, which does not exist).
const NOT_PROTOBUF = Uint8Array.from([0x17, 0xf9, 0xef, 0xba]);

let harness: Harness;
let keys: TestKeys;

beforeAll(async () => {
  keys = await testKeys();
  harness = await startHarness(inject("kafkaBrokers"), { auth: keys.verify });
});

afterAll(async () => {
  await harness?.stop();
});

describe("a request body that is not protobuf is the caller's mistake, and nothing is appended", () => {
  it("over Connect: HTTP 400 invalid_argument", async () => {
    const before = await endOffsets();

    const response = await fetch(`${harness.server.url}/udaconnect.v1.IngestService/RegisterPerson`, {
      method: "POST",
      headers: { "content-type": "application/proto", authorization: `Bearer ${await keys.token(OPERATOR)}` },
      body: NOT_PROTOBUF,
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: "invalid_argument", message: "parse binary: illegal tag: field no 2 wire type 7" });
    expect(await endOffsets()).toEqual(before);
  });

  gatewayTest("over gRPC: status 3 (INVALID_ARGUMENT)", async ({ connectHttp2 }) => {
    const before = await endOffsets();
    const token = await keys.token(OPERATOR);
    const session = connectHttp2(harness.server.url);
    const trailers = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const stream = session.request({
        [constants.HTTP2_HEADER_METHOD]: "POST",
        [constants.HTTP2_HEADER_PATH]: "/udaconnect.v1.IngestService/RecordLocation",
        "content-type": "application/grpc",
        te: "trailers",
        authorization: `Bearer ${token}`,
      });
      stream.on("trailers", (headers) => resolve(headers));
      stream.on("error", reject);
      stream.on("data", () => {});
      // One uncompressed gRPC frame: flag 0, 4-byte big-endian length, the bytes.
      const frame = Buffer.alloc(5 + NOT_PROTOBUF.length);
      frame.writeUInt32BE(NOT_PROTOBUF.length, 1);
      frame.set(NOT_PROTOBUF, 5);
      stream.end(frame);
    });

    expect(trailers["grpc-status"]).toBe("3");
    expect(decodeURIComponent(String(trailers["grpc-message"]))).toBe("parse binary: illegal tag: field no 2 wire type 7");
    expect(await endOffsets()).toEqual(before);
  });
});

async function endOffsets() {
  return { persons: await harness.reader.endOffsets(personsTopic), locations: await harness.reader.endOffsets(locationsTopic) };
}
