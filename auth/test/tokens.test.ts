import { SignJWT, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { createSigner, createVerifier, generateSigningKeyPair, mayActFor, mayRead, parseKeySet } from "../src/index";

describe("tokens", () => {
  it("verify to the principal they were signed for", async () => {
    const { privateKey, keySet } = await generateSigningKeyPair("k1");
    const sign = await createSigner(privateKey);

    const principal = await createVerifier(keySet)(await sign({ subject: "5", role: "attendee" }));

    expect(principal).toEqual({ subject: "5", role: "attendee" });
  });

  it("keep verifying across a key rotation while both keys are published", async () => {
    const old = await generateSigningKeyPair("old");
    const next = await generateSigningKeyPair("new");
    const verify = createVerifier({ keys: [...old.keySet.keys, ...next.keySet.keys] });

    const byOld = await (await createSigner(old.privateKey))({ subject: "ops", role: "operator" });
    const byNew = await (await createSigner(next.privateKey))({ subject: "ops", role: "operator" });

    await expect(verify(byOld)).resolves.toEqual({ subject: "ops", role: "operator" });
    await expect(verify(byNew)).resolves.toEqual({ subject: "ops", role: "operator" });
    await expect(createVerifier(next.keySet)(byOld)).rejects.toMatchObject({ reason: "bad-signature" });
  });

  it("are refused when expired, forged, malformed or without a known role", async () => {
    const { privateKey, keySet } = await generateSigningKeyPair("k1");
    const stranger = await generateSigningKeyPair("k1");
    const verify = createVerifier(keySet, { clockToleranceSeconds: 0 });
    const sign = await createSigner(privateKey);

    await expect(verify(await sign({ subject: "5", role: "attendee" }, { expiresInSeconds: -1 }))).rejects.toMatchObject({ reason: "expired" });
    await expect(verify(await (await createSigner(stranger.privateKey))({ subject: "5", role: "operator" }))).rejects.toMatchObject({
      reason: "bad-signature",
    });
    await expect(verify("not.a.jwt")).rejects.toMatchObject({ reason: "malformed" });
    const noRole = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer("udaconnect")
      .setAudience("udaconnect")
      .setSubject("5")
      .setExpirationTime("1h")
      .sign(await importJWK(privateKey, "ES256"));
    await expect(verify(noRole)).rejects.toMatchObject({ reason: "invalid-claims" });
  });
});

describe("permissions", () => {
  it.each([
    [{ subject: "5", role: "attendee" } as const, "5", true, true],
    [{ subject: "5", role: "attendee" } as const, "6", false, false],
    [{ subject: "ana", role: "analyst" } as const, "6", false, true],
    [{ subject: "ops", role: "operator" } as const, "6", true, true],
  ])("%j acting for %s: write %s, read %s", (principal, personId, write, read) => {
    expect(mayActFor(principal, personId)).toBe(write);
    expect(mayRead(principal, personId)).toBe(read);
  });
});

describe("key sets", () => {
  it("are parsed with errors that name the source", () => {
    expect(parseKeySet('{"keys": []}', "AUTH_JWKS")).toEqual({ keys: [] });
    expect(() => parseKeySet("{", "AUTH_JWKS")).toThrow("AUTH_JWKS is not JSON");
    expect(() => parseKeySet("{}", "AUTH_JWKS")).toThrow('AUTH_JWKS is not a JSON Web Key Set ({"keys": [...]})');
  });
});
