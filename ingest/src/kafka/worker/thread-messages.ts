import { Secret, type KafkaConnection, type KafkaSasl, type KafkaTls } from "@udaconnect/kafka-connection";
import type { LogPosition } from "@udaconnect/schemas";
import type { KafkaClientOptions } from "../kafka-clients";
import type { EncodedRecords } from "./record-batches";

/** What the producer thread is started with (its workerData): the client options, secrets revealed (a Secret does not survive structured cloning). */
export interface ProducerThreadSettings extends Omit<KafkaClientOptions, "connection"> {
  readonly connection?: PlainConnection;
  readonly producers: number;
}

/** The main thread's requests; each `id` is answered by one "settled" message. */
export type ToProducerThread =
  | { readonly type: "connect"; readonly id: number }
  | { readonly type: "abort-connect" }
  | { readonly type: "send"; readonly id: number; readonly records: EncodedRecords }
  | { readonly type: "disconnect"; readonly id: number };

export type FromProducerThread =
  | { readonly type: "settled"; readonly id: number; readonly positions?: LogPosition[]; readonly error?: PlainError }
  | { readonly type: "acknowledged"; readonly seconds: number }
  | { readonly type: "reset"; readonly shard: number; readonly reason: string; readonly error: PlainError };

/** An error as far as logs and producerStateLost read it: what the client puts on its errors, nested errors included. */
export interface PlainError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly fields: Readonly<Record<string, string | number | boolean>>;
  readonly cause?: PlainError;
  readonly errors?: readonly PlainError[];
}

const ERROR_FIELDS = ["code", "apiId", "apiCode", "canRetry"] as const;

export function toPlainError(error: unknown, depth = 0): PlainError {
  if (!(error instanceof Error)) {
    return { name: "Error", message: String(error), fields: {} };
  }
  const source = error as Error & Record<string, unknown>;
  const fields: Record<string, string | number | boolean> = {};
  for (const name of ERROR_FIELDS) {
    const value = source[name];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") fields[name] = value;
  }
  const nested = depth < 5;
  const cause = nested && source.cause;
  const errors = nested && Array.isArray(source.errors) ? source.errors.map((e: unknown) => toPlainError(e, depth + 1)) : undefined;
  return {
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    fields,
    ...(cause ? { cause: toPlainError(cause, depth + 1) } : {}),
    ...(errors === undefined ? {} : { errors }),
  };
}

/** The error again, as an Error with the same name, message, fields and nested errors (its stack is the producer thread's). */
export function fromPlainError(plain: PlainError): Error {
  const error = new Error(plain.message, plain.cause === undefined ? undefined : { cause: fromPlainError(plain.cause) });
  Object.assign(error, plain.fields, plain.errors === undefined ? {} : { errors: plain.errors.map(fromPlainError) });
  error.name = plain.name;
  if (plain.stack !== undefined) error.stack = plain.stack;
  return error;
}

type PlainTls = Omit<KafkaTls, "client"> & { readonly client?: Omit<NonNullable<KafkaTls["client"]>, "keyPem"> & { readonly keyPem: string } };
type PlainConnection = Omit<KafkaConnection, "tls" | "sasl"> & {
  readonly tls?: PlainTls;
  readonly sasl?: Omit<KafkaSasl, "password"> & { readonly password: string };
};

export function toPlainConnection({ tls, sasl, ...rest }: KafkaConnection): PlainConnection {
  const plainTls = (t: KafkaTls): PlainTls => {
    const { client, ...others } = t;
    return client === undefined ? others : { ...others, client: { ...client, keyPem: client.keyPem.reveal() } };
  };
  return {
    ...rest,
    ...(tls === undefined ? {} : { tls: plainTls(tls) }),
    ...(sasl === undefined ? {} : { sasl: { ...sasl, password: sasl.password.reveal() } }),
  };
}

export function fromPlainConnection({ tls, sasl, ...rest }: PlainConnection): KafkaConnection {
  const withSecrets = (t: PlainTls): KafkaTls => {
    const { client, ...others } = t;
    return client === undefined ? others : { ...others, client: { ...client, keyPem: new Secret(client.keyPem) } };
  };
  return {
    ...rest,
    ...(tls === undefined ? {} : { tls: withSecrets(tls) }),
    ...(sasl === undefined ? {} : { sasl: { ...sasl, password: new Secret(sasl.password) } }),
  };
}
