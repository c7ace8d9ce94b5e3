import { MultipleErrors, ResponseError } from "@platformatic/kafka";
import { describe, expect, it } from "vitest";
import { Secret, type KafkaConnection } from "@udaconnect/kafka-connection";
import { producerStateLost } from "../src/kafka/producer-state-lost";
import type { TopicRecords } from "../src/kafka/record-producer";
import { decodeRecords, encodeRecords } from "../src/kafka/worker/record-batches";
import { fromPlainConnection, fromPlainError, toPlainConnection, toPlainError } from "../src/kafka/worker/thread-messages";

/** What crosses between the main thread and the producer thread (INGEST_KAFKA_THREAD=worker) must arrive as it left. */
describe("records handed to the producer thread", () => {
  const located = Object.freeze({ "content-type": "application/x-protobuf", "event-type": "udaconnect.v1.LocationRecorded" });
  const registered = Object.freeze({ "content-type": "application/x-protobuf", "event-type": "udaconnect.v1.PersonRegistered" });
  const batches: TopicRecords[] = [
    {
      topic: "ns.udaconnect.locations.v1",
      messages: [
        { key: "person-a", value: Buffer.from([1, 2, 3]), headers: located, partition: 4 },
        { key: "ünïcode-ключ", value: Buffer.alloc(0), headers: located, partition: 0 },
        { key: "person-b", value: Buffer.from("x".repeat(300)), headers: located },
      ],
    },
    { topic: "ns.udaconnect.persons.v1", messages: [{ key: "person-a", value: Buffer.from([9]), headers: registered, partition: 5 }] },
  ];

  it("decode to the same topics, keys, values, headers and partitions, in the same order", () => {
    const encoded = encodeRecords(batches);
    const decoded = decodeRecords(structuredClone(encoded, { transfer: [encoded.buffer] }));

    expect(decoded.map(({ topic, messages }) => ({ topic, messages: messages.map((m) => ({ ...m, value: [...m.value] })) }))).toEqual(
      batches.map(({ topic, messages }) => ({ topic, messages: messages.map((m) => ({ ...m, value: [...m.value] })) })),
    );
    expect(encoded.headers).toEqual([located, registered]);
  });

  it("are moved, not copied: once transferred the main thread's buffer is empty", () => {
    const encoded = encodeRecords(batches);
    const moved = structuredClone(encoded, { transfer: [encoded.buffer] });

    expect(encoded.buffer.byteLength).toBe(0);
    // 12 bytes a record before its key and value; "ünïcode-ключ" is 18 bytes of UTF-8.
    expect(moved.buffer.byteLength).toBe(4 * 12 + (8 + 18 + 8 + 8) + (3 + 0 + 300 + 1));
  });
});

describe("errors from the producer thread", () => {
  it("keep their name, message and Kafka error code, so logs and producerStateLost read them as on the main thread", () => {
    // As the client's send rejects after its retries: the Produce response's error for partition 0, inside the retrier's aggregate.
    const response = new ResponseError(0, 9, { "/topics/0/partitions/0": [45, null] }, undefined);
    const thrown = new MultipleErrors("produce failed 2 times.", [new Error("Connection closed"), response]);

    const arrived = fromPlainError(structuredClone(toPlainError(thrown)));

    expect({ name: arrived.name, message: arrived.message }).toEqual({ name: thrown.name, message: thrown.message });
    expect(producerStateLost(arrived)).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
  });

  it("turn anything thrown that is not an Error into one", () => {
    expect(fromPlainError(toPlainError("gone"))).toMatchObject({ name: "Error", message: "gone" });
  });
});

describe("the connection settings given to the producer thread", () => {
  it("carry the secrets across structured cloning and hide them again as Secrets on the other side", () => {
    const connection: KafkaConnection = {
      securityProtocol: "SASL_SSL",
      tls: { ca: { file: "/ca.crt", pem: "CA" }, client: { certFile: "/c.crt", certPem: "CERT", keyFile: "/c.key", keyPem: new Secret("KEY") } },
      sasl: { mechanism: "scram-sha-512", username: "ingest", password: new Secret("s3cret") },
    };

    const arrived = fromPlainConnection(structuredClone(toPlainConnection(connection)));

    expect(arrived.sasl?.password.reveal()).toBe("s3cret");
    expect(arrived.tls?.client?.keyPem.reveal()).toBe("KEY");
    expect(JSON.stringify(arrived)).not.toMatch(/s3cret|KEY"/);
    expect({ ...arrived, tls: { ...arrived.tls, client: undefined }, sasl: undefined }).toEqual({
      ...connection,
      tls: { ...connection.tls, client: undefined },
      sasl: undefined,
    });
  });
});
