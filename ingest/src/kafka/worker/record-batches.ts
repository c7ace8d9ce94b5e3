import type { OutgoingRecord, TopicRecords } from "../record-producer";

/**
 * Records handed to the producer thread: every key and value in one
 * ArrayBuffer that is transferred (moved, not copied), and the few strings
 * shared by many records (topic names, headers) in small tables beside it.
 */
export interface EncodedRecords {
  /** Per topic, in order: its name and how many records of the buffer are its. */
  readonly topics: readonly { readonly topic: string; readonly count: number }[];
  /** The distinct headers objects; each record names one by index. */
  readonly headers: readonly Readonly<Record<string, string>>[];
  readonly buffer: ArrayBuffer;
}

/** partition (u32, NO_PARTITION if unset), headers index (u16), key length (u16), value length (u32). */
const RECORD_HEAD = 12;
const NO_PARTITION = 0xffff_ffff;

/** One buffer for the records of a send; the caller transfers `buffer`, after which this thread can no longer read it. */
export function encodeRecords(batches: readonly TopicRecords[]): EncodedRecords {
  const headerIndex = new Map<Readonly<Record<string, string>>, number>();
  let size = 0;
  for (const { messages } of batches) {
    for (const { key, value, headers } of messages) {
      size += RECORD_HEAD + Buffer.byteLength(key) + value.byteLength;
      if (!headerIndex.has(headers)) headerIndex.set(headers, headerIndex.size);
    }
  }
  // allocUnsafeSlow: a buffer of its own (never a slice of Node's shared pool), so it can be transferred.
  const out = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const { messages } of batches) {
    for (const { key, value, headers, partition } of messages) {
      out.writeUInt32LE(partition ?? NO_PARTITION, at);
      out.writeUInt16LE(headerIndex.get(headers) ?? 0, at + 4);
      const keyLength = out.write(key, at + RECORD_HEAD, "utf8");
      out.writeUInt16LE(keyLength, at + 6);
      out.writeUInt32LE(value.byteLength, at + 8);
      at += RECORD_HEAD + keyLength;
      out.set(value, at);
      at += value.byteLength;
    }
  }
  return {
    topics: batches.map(({ topic, messages }) => ({ topic, count: messages.length })),
    headers: [...headerIndex.keys()],
    buffer: out.buffer as ArrayBuffer,
  };
}

/** The records as they were given to encodeRecords; values are views of the buffer, not copies. */
export function decodeRecords({ topics, headers, buffer }: EncodedRecords): TopicRecords[] {
  const bytes = Buffer.from(buffer);
  const sharedHeaders = headers.map(frozenHeaders);
  let at = 0;
  return topics.map(({ topic, count }) => {
    const messages: OutgoingRecord[] = [];
    for (let i = 0; i < count; i++) {
      const partition = bytes.readUInt32LE(at);
      const keyLength = bytes.readUInt16LE(at + 6);
      const valueLength = bytes.readUInt32LE(at + 8);
      const keyAt = at + RECORD_HEAD;
      const key = bytes.toString("utf8", keyAt, keyAt + keyLength);
      const value = bytes.subarray(keyAt + keyLength, keyAt + keyLength + valueLength);
      const headersOf = sharedHeaders[bytes.readUInt16LE(at + 4)] ?? {};
      messages.push(partition === NO_PARTITION ? { key, value, headers: headersOf } : { key, value, headers: headersOf, partition });
      at = keyAt + keyLength + valueLength;
    }
    return { topic, messages };
  });
}

/** One object per distinct headers, kept across sends, so a client can encode each once (see platformatic-producer.ts). */
const knownHeaders = new Map<string, Readonly<Record<string, string>>>();
function frozenHeaders(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const id = JSON.stringify(headers);
  let known = knownHeaders.get(id);
  if (known === undefined) {
    known = Object.freeze({ ...headers });
    if (knownHeaders.size < 1_000) knownHeaders.set(id, known);
  }
  return known;
}
