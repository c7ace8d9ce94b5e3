import { describe, expect, it } from "vitest";
import { createSigner, createVerifier, generateSigningKeyPair } from "../src/index";
import { forgedTokens } from "./forged-tokens";

describe("forged and broken tokens", async () => {
  const pair = await generateSigningKeyPair("k1");
  const verify = createVerifier(pair.keySet);
  const forged = await forgedTokens(pair, { subject: "5", role: "operator" }, { subject: "6", role: "attendee" });

  it("start from a token the verifier accepts", async () => {
    const genuine = await (await createSigner(pair.privateKey))({ subject: "5", role: "attendee" });

    await expect(verify(genuine)).resolves.toEqual({ subject: "5", role: "attendee" });
  });

  it.each(forged.map((f) => [f.name, f] as const))("are refused: %s", async (_name, { token, reason }) => {
    await expect(verify(token)).rejects.toMatchObject({ name: "TokenError", reason });
  });

  it("allow the clock tolerance (30 s) for a token issued in the future, and no more", async () => {
    const token = await (await createSigner(pair.privateKey))({ subject: "5", role: "attendee" });
    const issuedAt = (JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as { iat: number }).iat;
    const clockBehindBy = (seconds: number) => createVerifier(pair.keySet, { now: () => new Date((issuedAt - seconds) * 1000) });

    await expect(clockBehindBy(20)(token)).resolves.toEqual({ subject: "5", role: "attendee" });
    await expect(clockBehindBy(40)(token)).rejects.toMatchObject({ reason: "not-yet-valid", message: "token is not valid yet (issued in the future)" });
  });
});
