import { fileURLToPath } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startHarness, type Harness } from "./harness";
import { testKeys } from "./tokens";

// What grpcurl and friends do: ask the server itself for its API, over plain gRPC (here grpc-js).
const PROTO_DIR = fileURLToPath(new URL("../../schemas/proto", import.meta.url));

type Reply = {
  valid_host: string;
  message_response: string;
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  all_extension_numbers_response?: { base_type_name: string; extension_number: number[] };
  error_response?: { error_code: number; error_message: string };
};
type ReflectionStub = grpc.Client & { serverReflectionInfo(): grpc.ClientDuplexStream<object, Reply> };
type StubClass = new (address: string, credentials: grpc.ChannelCredentials) => ReflectionStub;

let harness: Harness;
const stubs: Record<string, ReflectionStub> = {};

beforeAll(async () => {
  // Auth is on: reflection describes the public contract and needs no token.
  harness = await startHarness(inject("kafkaBrokers"), { auth: (await testKeys()).verify });
  for (const version of ["v1", "v1alpha"] as const) {
    const definition = protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, { includeDirs: [PROTO_DIR], keepCase: true, oneofs: true });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as { grpc: { reflection: Record<string, { ServerReflection: StubClass }> } };
    const Stub = loaded.grpc.reflection[version]?.ServerReflection;
    if (Stub === undefined) throw new Error(`grpc.reflection.${version} did not load`);
    stubs[version] = new Stub(harness.server.url.replace("http://", ""), grpc.credentials.createInsecure());
  }
});

afterAll(async () => {
  for (const stub of Object.values(stubs)) stub.close();
  await harness?.stop();
});

/** Sends the requests on one stream and collects the replies, in order. */
async function ask(requests: object[], version: "v1" | "v1alpha" = "v1"): Promise<Reply[]> {
  const call = stubs[version]!.serverReflectionInfo();
  const replies: Reply[] = [];
  const done = new Promise<Reply[]>((resolve, reject) => {
    call.on("data", (reply: Reply) => replies.push(reply));
    call.on("end", () => resolve(replies));
    call.on("error", reject);
  });
  for (const request of requests) call.write(request);
  call.end();
  return done;
}

function fileNames(reply: Reply | undefined): string[] {
  return (reply?.file_descriptor_response?.file_descriptor_proto ?? []).map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);
}

describe.each(["v1", "v1alpha"] as const)("gRPC server reflection %s, asked by grpc-js", (version) => {
  it("lists the ingest service and the reflection services", async () => {
    const [reply] = await ask([{ host: "ingest", list_services: "*" }], version);

    expect(reply?.valid_host).toBe("ingest");
    expect(reply?.list_services_response?.service.map((s) => s.name)).toEqual([
      "udaconnect.v1.IngestService",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
    ]);
  });

  it("returns the file defining a service, a method or a message, with everything it imports", async () => {
    const replies = await ask(
      [
        { file_containing_symbol: "udaconnect.v1.IngestService" },
        { file_containing_symbol: "udaconnect.v1.IngestService.StreamCheckIns" },
        { file_containing_symbol: "udaconnect.v1.CheckIn" },
        { file_by_filename: "google/protobuf/timestamp.proto" },
      ],
      version,
    );

    expect(replies.map(fileNames)).toEqual([
      ["udaconnect/v1/ingest.proto", "google/protobuf/timestamp.proto"],
      ["udaconnect/v1/ingest.proto", "google/protobuf/timestamp.proto"],
      ["udaconnect/v1/ingest.proto", "google/protobuf/timestamp.proto"],
      ["google/protobuf/timestamp.proto"],
    ]);
    const ingest = fromBinary(FileDescriptorProtoSchema, replies[0]!.file_descriptor_response!.file_descriptor_proto[0]!);
    expect(ingest.service[0]?.method.map((m) => m.name)).toEqual([
      "RegisterPerson",
      "RecordLocation",
      "RecordLocations",
      "StreamCheckIns",
      "UpdatePerson",
      "ErasePerson",
    ]);
  });

  it("answers unknown names with NOT_FOUND on a stream that stays usable", async () => {
    const replies = await ask(
      [
        { file_containing_symbol: "udaconnect.v1.NoSuchThing" },
        { file_by_filename: "nope.proto" },
        { file_containing_extension: { containing_type: "udaconnect.v1.CheckIn", extension_number: 100 } },
        { all_extension_numbers_of_type: "udaconnect.v1.CheckIn" },
      ],
      version,
    );

    expect(replies.map((r) => r.error_response?.error_code)).toEqual([5, 5, 5, undefined]);
    expect(replies[0]?.error_response?.error_message).toBe('no symbol "udaconnect.v1.NoSuchThing"');
    // proto-loader leaves out an empty repeated field: no extension numbers.
    expect(replies[3]?.all_extension_numbers_response).toEqual({ base_type_name: "udaconnect.v1.CheckIn" });
  });
});
