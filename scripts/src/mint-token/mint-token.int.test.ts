import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVerifier, parseKeySet } from "@udaconnect/auth";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mintToken } from "./mint-token";

describe("mint-token with its key files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "mint-token-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("mints an operator token that the key set verifies, creating dev keys", async () => {
    const keyFile = join(dir, "auth", "signing-key.jwk.json");

    const token = await mintToken({ role: "operator", subject: "ops", keyFile, dev: true, expiresInSeconds: 60 });

    const keySet = parseKeySet(await readFile(join(dir, "auth", "jwks.json"), "utf8"), "jwks.json");
    expect(await createVerifier(keySet)(token)).toEqual({ role: "operator", subject: "ops" });
  });

  it("refuses a missing key without --dev, saying how to get one", async () => {
    const keyFile = join(dir, "none.jwk.json");

    await expect(mintToken({ role: "attendee", subject: "1", keyFile, dev: false, expiresInSeconds: 60 })).rejects.toThrow(
      `cannot read the signing key ${keyFile}: ENOENT (pass --dev to create development keys there)`,
    );
  });
});
