import { parentPort, workerData } from "node:worker_threads";
import { recordProducers } from "../kafka-clients";
import { ProducerShards } from "../producer-shards";
import { decodeRecords } from "./record-batches";
import { fromPlainConnection, toPlainError, type FromProducerThread, type ProducerThreadSettings, type ToProducerThread } from "./thread-messages";

/**
 * The producer thread's entry point (INGEST_KAFKA_THREAD=worker): the
 * producers (ProducerShards: queues, merging, replacement of a
 * refused producer) run here, and the main thread only posts encoded records
 * and hears the outcome. Bundled as its own file (infra/images/bundle.mjs:
 * dist/kafka-producer-thread.js) because a Worker loads a file.
 */
const port = parentPort;
if (port === null) {
  throw new Error("kafka-producer-thread.ts runs as a worker thread (see producer-thread.ts)");
}
const post = (message: FromProducerThread) => port.postMessage(message);
const { connection, producers, ...clientOptions } = workerData as ProducerThreadSettings;
const options = { ...clientOptions, ...(connection === undefined ? {} : { connection: fromPlainConnection(connection) }) };
const shards = new ProducerShards(recordProducers(options), producers, {
  onSendAcknowledged: (seconds) => post({ type: "acknowledged", seconds }),
  onProducerReset: ({ shard, reason, error }) => post({ type: "reset", shard, reason, error: toPlainError(error) }),
});
let connecting = new AbortController();

function settle(id: number, work: Promise<unknown>): void {
  work.then(
    (positions) => post({ type: "settled", id, ...(Array.isArray(positions) ? { positions } : {}) }),
    (error: unknown) => post({ type: "settled", id, error: toPlainError(error) }),
  );
}

port.on("message", (message: ToProducerThread) => {
  switch (message.type) {
    case "send":
      settle(message.id, shards.send(decodeRecords(message.records)));
      break;
    case "connect":
      connecting = new AbortController();
      settle(message.id, shards.connect(connecting.signal));
      break;
    case "abort-connect":
      connecting.abort();
      break;
    case "disconnect":
      connecting.abort();
      settle(message.id, shards.disconnect());
      break;
  }
});
