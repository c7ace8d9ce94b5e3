import { createTestDatabase, type TestDatabase } from "@udaconnect/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { keysById, parseMasterKeys, PersonKeyStore, rewrapDataKeys, withNewActiveKey, withoutKey, type MasterKeysFile } from "../src/index";

let database: TestDatabase;
const first = withNewActiveKey(undefined, new Date("2026-12-01T00:00:00Z"));
const masterKeys = (file: MasterKeysFile) => parseMasterKeys(JSON.stringify(file), "test");

beforeAll(async () => {
  database = await createTestDatabase(inject("databaseUrl"));
});

afterAll(async () => {
  await database?.drop();
});

describe("the person key store", () => {
  it("makes one key per person even when writers race, and destroys it", async () => {
    const a = new PersonKeyStore(database.pool, masterKeys(first));
    const b = new PersonKeyStore(database.pool, masterKeys(first));
    const [fromA, fromB] = await Promise.all([a.keysFor(["ada", "bob"]), b.keysFor(["bob", "ada"])]);
    expect(fromA.get("ada")?.keyId).toBe(fromB.get("ada")?.keyId);
    expect(fromA.get("ada")?.key.export()).toEqual(fromB.get("ada")?.key.export());
    const adaKeyId = fromA.get("ada")?.keyId ?? "";

    expect(await a.destroy("ada")).toBe(1);
    expect((await keysById(database.pool, masterKeys(first), [adaKeyId])).get(adaKeyId)).toBe("erased");
    const again = await a.keysFor(["ada"]);
    expect(again.get("ada")?.keyId).not.toBe(adaKeyId);
  });

  it("re-wraps every key under a new master key; the data keys stay the same and the old master key can then go", async () => {
    const store = new PersonKeyStore(database.pool, masterKeys(first));
    const before = await store.keysFor(["cy", "dee"]);
    const second = withNewActiveKey(first, new Date("2026-12-02T00:00:00Z"));

    const result = await rewrapDataKeys(database.pool, masterKeys(second));

    expect(result.rewrapped).toBeGreaterThanOrEqual(2);
    expect(result.byMasterKey).toEqual({ [second.active]: expect.any(Number) });
    const onlySecond = masterKeys(withoutKey(second, first.active));
    const ids = [...before.values()].map((k) => k.keyId);
    const after = await keysById(database.pool, onlySecond, ids);
    for (const key of before.values()) {
      const reread = after.get(key.keyId);
      expect(reread === "erased" ? reread : reread?.key.export()).toEqual(key.key.export());
    }
    await expect(keysById(database.pool, masterKeys(first), ids)).rejects.toThrow(/does not hold/);
  });
});
