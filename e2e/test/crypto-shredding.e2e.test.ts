import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { silentLogger, startIngestServer, type IngestServer } from "@udaconnect/ingest";
import { connectKeyStore, withNewActiveKey, type KeyStoreConnection } from "@udaconnect/keystore";
import { runRebuild, startProjector, type Projector } from "@udaconnect/projector";
import { createLogger } from "@udaconnect/observability";
import {
  EventSchema,
  IngestService,
  LocationRecordedSchema,
  PersonRegisteredSchema,
  decodeEvent,
  encodeEvent,
  locationsTopic,
  personsTopic,
  topicName,
} from "@udaconnect/schemas";
import { createTestDatabase, eventually, inheritedEnv, uniqueNamespace, type TestDatabase } from "@udaconnect/test-support";
import { Admin, compatibilityPartitioner, ConfigResourceTypes, ProduceAcks, Producer } from "@platformatic/kafka";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ingestOptions } from "@udaconnect/ingest/test-options";
import { projectorOptions } from "@udaconnect/projector/test-options";

// Issue #16 §3, crypto-shredding (docs/erasure.md): after ErasePerson, an erased person's names
// and coordinates cannot be recovered from the log any more — proven on the broker's own segment
// files, by scripts/replay and by a rebuild — while events written before sealing still project.

const REPLAY = fileURLToPath(new URL("../../scripts/replay", import.meta.url));
const tag = randomBytes(4).toString("hex");
const PERSON = { personId: `shred-${tag}`, firstName: `Quintessa${tag}`, lastName: `Vandermolen${tag}`, companyName: `Shredco${tag}` };
// Coordinates no other test writes: their 8-byte IEEE doubles are what the segment files are searched for.
const noise = () => Number(`0.${randomBytes(4).readUInt32BE()}`) / 1000;
const CHECK_INS = [0, 1, 2].map((n) => ({
  eventId: randomUUID(),
  latitude: 48.8566 + n / 100 + noise(),
  longitude: 2.3522 + n / 100 + noise(),
  accuracyM: 7.25 + n + noise(),
}));
const LEGACY = { personId: `legacy-${tag}`, firstName: `Oldform${tag}`, latitude: 41.3874 + noise(), longitude: 2.1686 + noise() };

const brokers = inject("kafkaBrokers");
const namespace = uniqueNamespace();
const logger = createLogger({ service: "crypto-shredding-test", level: "silent" });
let database: TestDatabase;
let workDir: string;
let masterKeysFile: string;
let keyStore: KeyStoreConnection;
let ingest: IngestServer;
let projector: Projector;
let client: Client<typeof IngestService>;

beforeAll(async () => {
  database = await createTestDatabase(inject("databaseUrl"));
  workDir = await mkdtemp(join(tmpdir(), "udaconnect-shredding-"));
  masterKeysFile = join(workDir, "master-keys.json");
  await writeFile(masterKeysFile, JSON.stringify(withNewActiveKey(undefined, new Date())), { mode: 0o600 });
  keyStore = await connectKeyStore({ databaseUrl: database.url, masterKeysFile });
  ingest = await startIngestServer(
    ingestOptions({
      auth: "disabled",
      kafkaBrokers: brokers,
      topicNamespace: namespace,
      port: 0,
      logger: silentLogger,
      personKeys: { keysFor: (ids) => keyStore.persons.keysFor(ids), destroy: async (id) => void (await keyStore.persons.destroy(id)) },
    }),
  );
  client = createClient(IngestService, createConnectTransport({ baseUrl: ingest.url, httpVersion: "2" }));
  await eventually(() => expect(ingest.isReady()).toBe(true), { timeoutMs: 60_000 });
  projector = await startProjector(
    projectorOptions({ kafkaBrokers: brokers, databaseUrl: database.url, topicNamespace: namespace, keysById: keyStore.keysById, logger }),
  );
});

afterAll(async () => {
  await projector?.stop();
  await ingest?.close();
  await keyStore?.close();
  await database?.drop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("crypto-shredding of a person's data in the log", () => {
  it("seals names and coordinates, projects them while the key lives, and after ErasePerson nothing recovers them", async () => {
    // Given a person registered and checked in through the gateway (sealed) …
    await client.registerPerson(PERSON);
    const occurredAt = timestampFromDate(new Date(Date.now() - 60_000));
    for (const c of CHECK_INS) {
      await client.recordLocation({ checkIn: { ...c, personId: PERSON.personId, occurredAt } });
    }
    // … and a person whose events were written in the plaintext form of before sealing.
    await appendLegacyEvents();

    // The projector opens the sealed fields with the key store: the read models hold the plaintext.
    await eventually(
      async () => {
        const person = await database.db
          .selectFrom("person")
          .select(["first_name", "last_name", "company_name"])
          .where("id", "=", PERSON.personId)
          .executeTakeFirst();
        expect(person).toEqual({ first_name: PERSON.firstName, last_name: PERSON.lastName, company_name: PERSON.companyName });
        expect(await coordinatesOf(PERSON.personId)).toHaveLength(CHECK_INS.length);
        expect(await coordinatesOf(LEGACY.personId)).toEqual([{ latitude: LEGACY.latitude, longitude: LEGACY.longitude }]);
      },
      { timeoutMs: 60_000 },
    );
    expect(await coordinatesOf(PERSON.personId)).toEqual(expect.arrayContaining(CHECK_INS.map((c) => ({ latitude: c.latitude, longitude: c.longitude }))));

    // The segment files hold no plaintext of the sealed person; the search does find plaintext
    // where there is some (the legacy person's doubles), so its silence means something.
    const beforeErasure = await segmentBytes();
    expect(findings(beforeErasure, personalNeedles())).toEqual([]);
    expect(findings(beforeErasure, [utf8(LEGACY.firstName), float64(LEGACY.latitude), float64(LEGACY.longitude)])).toHaveLength(3);

    // While the key lives, the ciphertext in the log decrypts to the person's data (replay opens it).
    const readable = await replayRows("locations");
    const sealedRows = readable.filter((r) => r.person_id === PERSON.personId);
    expect(sealedRows.map((r) => r.latitude).sort()).toEqual(CHECK_INS.map((c) => c.latitude).sort());
    expect((await replayRows("persons")).find((r) => r.person_id === PERSON.personId)).toMatchObject({
      first_name: PERSON.firstName,
      last_name: PERSON.lastName,
    });
    const keyId = await keyIdOf(PERSON.personId);

    // When the person is erased …
    await client.erasePerson({ personId: PERSON.personId });

    // … (a) the key is gone and the segment files still hold no plaintext of theirs: the
    // ciphertext that remains there opens with no key the store has.
    expect((await keyStore.keysById([keyId])).get(keyId)).toBe("erased");
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM keystore.person_keys WHERE person_id = ${PERSON.personId}`.execute(database.db);
    expect(rows[0]?.n).toBe("0");
    expect(findings(await segmentBytes(), personalNeedles())).toEqual([]);

    // (b) replay says "erased" and prints nothing personal …
    const persons = await replayRows("persons");
    const locations = await replayRows("locations");
    const erasedRows = [...persons, ...locations].filter((r) => r.person_id === PERSON.personId);
    expect(erasedRows.map((r) => r.type).sort()).toEqual(["LocationRecorded", "LocationRecorded", "LocationRecorded", "PersonErased", "PersonRegistered"]);
    for (const row of erasedRows.filter((r) => r.type !== "PersonErased")) {
      expect(row).toMatchObject({ erased: true });
      expect(Object.keys(row).filter((k) => ["first_name", "last_name", "company_name", "latitude", "longitude", "accuracy_m"].includes(k))).toEqual([]);
    }
    expect(JSON.stringify(erasedRows)).not.toContain(PERSON.firstName);

    // … and the live projector and a rebuild from offset 0 hold nothing of the person, while
    // (c) the legacy person's plaintext events project in the new generation as before.
    await eventually(async () => expect(await database.db.selectFrom("person").select("id").where("id", "=", PERSON.personId).execute()).toEqual([]));
    const outcome = await runRebuild(
      projectorOptions({
        kafkaBrokers: brokers,
        databaseUrl: database.url,
        keysById: keyStore.keysById,
        topicNamespace: namespace,
        groupId: `projector-${namespace}`,
        graceMs: 0,
        progressIntervalMs: 100,
        progress: () => {},
        logger,
      }),
    );
    expect(outcome.kind).toBe("switched");
    expect(await database.db.selectFrom("person").select("id").where("id", "=", PERSON.personId).execute()).toEqual([]);
    expect(await coordinatesOf(PERSON.personId)).toEqual([]);
    expect(await database.db.selectFrom("person").select("first_name").where("id", "=", LEGACY.personId).execute()).toEqual([{ first_name: LEGACY.firstName }]);
    expect(await coordinatesOf(LEGACY.personId)).toEqual([{ latitude: LEGACY.latitude, longitude: LEGACY.longitude }]);
  });
});

function personalNeedles(): Buffer[] {
  return [
    utf8(PERSON.firstName),
    utf8(PERSON.lastName),
    utf8(PERSON.companyName),
    ...CHECK_INS.flatMap((c) => [float64(c.latitude), float64(c.longitude), float64(c.accuracyM)]),
  ];
}

function findings(files: readonly { path: string; bytes: Buffer }[], needles: readonly Buffer[]): string[] {
  return needles.flatMap((needle) => files.filter((f) => f.bytes.includes(needle)).map((f) => `${needle.toString("hex")} in ${f.path}`));
}

/** Every file of this test's topic partitions in the broker's log.dirs, as the broker reports them. */
async function segmentBytes(): Promise<{ path: string; bytes: Buffer }[]> {
  const admin = new Admin({ clientId: "shredding-test", bootstrapBrokers: brokers.split(",") });
  let logDirs: string[];
  try {
    const { brokers: nodes } = await admin.metadata({ topics: [] });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [...nodes.keys()].map((id) => ({ resourceType: ConfigResourceTypes.BROKER, resourceName: String(id), configurationKeys: ["log.dirs"] })),
    });
    logDirs = described.flatMap((r) => r.configs.flatMap((e) => (e.name === "log.dirs" ? (e.value ?? "").split(",") : [])));
  } finally {
    await admin.close();
  }
  const files: { path: string; bytes: Buffer }[] = [];
  for (const dir of logDirs) {
    const partitions = (await readdir(dir).catch(() => [] as string[])).filter((d) => d.startsWith(`${namespace}.`));
    for (const partition of partitions) {
      for (const file of await readdir(join(dir, partition))) {
        const path = join(dir, partition, file);
        files.push({ path, bytes: await readFile(path).catch(() => Buffer.alloc(0)) });
      }
    }
  }
  // A broker whose files are not on this machine (a container) cannot prove anything here.
  expect(files.filter((f) => f.path.endsWith(".log")).length, `no segment files of ${namespace} under log.dirs ${logDirs.join(",")}`).toBeGreaterThanOrEqual(2);
  return files;
}

async function replayRows(topic: "persons" | "locations"): Promise<Record<string, unknown>[]> {
  const env = inheritedEnv({ DATABASE_URL: database.url, UDACONNECT_MASTER_KEYS_FILE: masterKeysFile });
  const { stdout } = await promisify(execFile)(REPLAY, ["--topic", topic, "--namespace", namespace, "--brokers", brokers], {
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function keyIdOf(personId: string): Promise<string> {
  const { rows } = await sql<{ key_id: string }>`SELECT key_id FROM keystore.person_keys WHERE person_id = ${personId}`.execute(database.db);
  const keyId = rows[0]?.key_id;
  if (keyId === undefined) throw new Error(`no data key for ${personId}`);
  return keyId;
}

async function coordinatesOf(personId: string): Promise<{ latitude: number; longitude: number }[]> {
  const { rows } = await sql<{ latitude: number; longitude: number }>`
    SELECT ST_Y(coordinate::geometry) AS latitude, ST_X(coordinate::geometry) AS longitude FROM location WHERE person_id = ${personId}
  `.execute(database.db);
  return rows;
}

/** The forms of before sealing, produced straight to the topics as the gateway wrote them then. */
async function appendLegacyEvents(): Promise<void> {
  const producer = new Producer({
    clientId: "shredding-test",
    bootstrapBrokers: brokers.split(","),
    acks: ProduceAcks.ALL,
    partitioner: compatibilityPartitioner,
  });
  try {
    const now = timestampFromDate(new Date());
    const registered = create(EventSchema, {
      eventId: randomUUID(),
      type: PersonRegisteredSchema.typeName,
      recordedAt: now,
      payload: { case: "personRegistered", value: { personId: LEGACY.personId, firstName: LEGACY.firstName, lastName: "Plain", companyName: "Before" } },
    });
    const eventId = randomUUID();
    const located = create(EventSchema, {
      eventId,
      type: LocationRecordedSchema.typeName,
      recordedAt: now,
      payload: {
        case: "locationRecorded",
        value: { eventId, personId: LEGACY.personId, latitude: LEGACY.latitude, longitude: LEGACY.longitude, occurredAt: now, recordedAt: now },
      },
    });
    expect(decodeEvent(encodeEvent(located)).payload.value).not.toHaveProperty("sealedPosition", expect.anything());
    const key = Buffer.from(LEGACY.personId);
    await producer.send({ messages: [{ topic: topicName(personsTopic, namespace), key, value: Buffer.from(encodeEvent(registered)) }] });
    await producer.send({ messages: [{ topic: topicName(locationsTopic, namespace), key, value: Buffer.from(encodeEvent(located)) }] });
  } finally {
    await producer.close();
  }
}

function utf8(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

function float64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return bytes;
}
