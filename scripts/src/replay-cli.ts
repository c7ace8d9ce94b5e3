import { connectKeyStore, type KeyStoreConnection } from "@udaconnect/keystore";
import { loadConfig, loadKafkaConnection } from "./config";
import { openTopicLog } from "./replay/kafka/platformatic-topic-log";
import { createFormat } from "./replay/output-format";
import { replay, type Progress, type ReplayKeys, type ReplayReport } from "./replay/replay";
import { parseReplayArgs } from "./replay/replay-args";
import { openTextSink } from "./replay/text-sink";

export const EXIT = { ok: 0, failed: 1, usage: 2, skipped: 3, strictStop: 4 } as const;

const USAGE = `usage: scripts/replay --topic persons|locations|dead-letter|NAME [options]

Reads a topic between two points without joining or moving any consumer group,
decodes its events and writes them to stdout (or --output FILE).

  --from BOUND          beginning (default), an RFC 3339 time, or offsets P:O[,P:O…]
  --to BOUND            end (default: the end when the replay starts), a time, or offsets (exclusive)
  --format F            ndjson (default), csv, geojson (check-ins only, a FeatureCollection)
  --person ID           only this person's events (repeatable)
  --bbox=minLon,minLat,maxLon,maxLat  only check-ins inside the box (the = keeps a leading minus)
  --type T              PersonRegistered, LocationRecorded, PersonUpdated, PersonErased (repeatable)
  --strict              stop at the first undecodable record instead of skipping it
  --brokers LIST        default $KAFKA_BROKERS or 127.0.0.1:19092
  --namespace NS        topic namespace for the short topic names, default $TOPIC_NAMESPACE

Personal fields (names, positions) are sealed per person (docs/erasure.md). With
DATABASE_URL and UDACONNECT_MASTER_KEYS_FILE set they are opened with the key store;
an erased person's events then print "erased": true and nothing personal. Without
them, sealed events print "sealed": true.

TLS and SASL as the services have them: KAFKA_SECURITY_PROTOCOL (PLAINTEXT, SSL, SASL_SSL,
SASL_PLAINTEXT), KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE + KAFKA_SSL_KEY_FILE (mTLS),
KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE or KAFKA_SASL_PASSWORD.

Exit codes: 0 done; 1 failed (Kafka unreachable, no such topic…); 2 usage error;
3 done, but undecodable records were skipped (listed on stderr); 4 stopped by --strict.`;

async function main(): Promise<number> {
  const config = loadConfig();
  const parsed = parseReplayArgs(process.argv.slice(2), config.topicNamespace);
  if (parsed.kind === "help") {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (parsed.kind === "usage-error") {
    console.error(`replay: ${parsed.problems.join("; ")} (see --help)`);
    return EXIT.usage;
  }
  const { args } = parsed;
  const log = openTopicLog(args.brokers ?? config.kafkaBrokers, loadKafkaConnection());
  const sink = openTextSink(args.output);
  const keyStore = config.keyStore === undefined ? undefined : await connectKeyStore({ ...config.keyStore, poolSize: 1 });
  try {
    const options = {
      topic: args.topic,
      from: args.from,
      to: args.to,
      strict: args.strict,
      format: createFormat(args.format),
      filter: { personIds: args.personIds, types: args.types, ...(args.bbox === undefined ? {} : { bbox: args.bbox }) },
    };
    const report = await replay(
      log,
      { ...options, ...(keyStore ? { keys: replayKeys(keyStore) } : {}) },
      sink.write,
      process.stderr.isTTY ? progressPrinter() : undefined,
    );
    return summarize(report);
  } finally {
    await sink.close();
    await log.close();
    await keyStore?.close();
  }
}

function replayKeys(store: KeyStoreConnection): ReplayKeys {
  const known = new Map<string, ReturnType<ReplayKeys["lookup"]>>();
  return {
    lookup: (keyId) => known.get(keyId),
    load: async (keyId) => {
      const found = (await store.keysById([keyId])).get(keyId);
      known.set(keyId, found === undefined || found === "erased" ? "erased" : found.key);
    },
  };
}

function summarize(report: ReplayReport): number {
  for (const r of report.undecodable) console.error(`replay: undecodable record at partition ${r.partition} offset ${r.offset}: ${r.reason}`);
  if (process.stderr.isTTY) console.error(`\nreplay: read ${report.read} records, wrote ${report.written} events`);
  if (report.stoppedByStrict) return EXIT.strictStop;
  return report.undecodable.length > 0 ? EXIT.skipped : EXIT.ok;
}

function progressPrinter(): (p: Progress) => void {
  const started = Date.now();
  let shownAt = 0;
  return (p) => {
    const now = Date.now();
    if (now - shownAt < 250) return;
    shownAt = now;
    const rate = Math.round((p.events * 1000) / Math.max(1, now - started));
    process.stderr.write(`\r${p.events} events, ${rate} events/s, partition ${p.partition} at ${p.offset} of ${p.end}   `);
  };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const hint = /^Unknown topic/.test(message) ? ": nothing created it on this broker yet (./scripts/up does; --namespace reads a test's topics)" : "";
    console.error(`replay: ${message}${hint}`);
    process.exitCode = EXIT.failed;
  },
);
