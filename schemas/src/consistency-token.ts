import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { ConsistencyTokenSchema } from "./gen/udaconnect/v1/consistency_pb";

/** A partition's log position that a read must wait for: projected up to `nextOffset` (exclusive). */
export interface LogPosition {
  readonly topic: string;
  readonly partition: number;
  readonly nextOffset: bigint;
}

const MAX_TOKEN_LENGTH = 4096;

/** The opaque token of an ingest reply: the positions, highest per partition, base64url. */
export function encodeConsistencyToken(positions: readonly LogPosition[]): string {
  const highest = new Map<string, LogPosition>();
  for (const p of positions) {
    const key = `${p.topic}\u0000${p.partition}`;
    const seen = highest.get(key);
    if (seen === undefined || seen.nextOffset < p.nextOffset) highest.set(key, p);
  }
  const token = create(ConsistencyTokenSchema, {
    positions: [...highest.values()].map((p) => ({ topic: p.topic, partition: p.partition, nextOffset: p.nextOffset })),
  });
  return Buffer.from(toBinary(ConsistencyTokenSchema, token)).toString("base64url");
}

/** Reads a token back; throws a message fit for a client when it is not one. */
export function decodeConsistencyToken(token: string): LogPosition[] {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new Error("consistency token is not a token returned by the ingest API");
  }
  let decoded;
  try {
    decoded = fromBinary(ConsistencyTokenSchema, Buffer.from(token, "base64url"));
  } catch {
    throw new Error("consistency token is not a token returned by the ingest API");
  }
  return decoded.positions.map((p) => {
    if (p.topic === "" || p.partition < 0 || p.nextOffset < 0n) {
      throw new Error("consistency token holds an invalid log position");
    }
    return { topic: p.topic, partition: p.partition, nextOffset: p.nextOffset };
  });
}
