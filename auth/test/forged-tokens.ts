import { createHmac, createPublicKey } from "node:crypto";
import { SignJWT, importJWK, type JWK, type JWTPayload } from "jose";
import { AUDIENCE, ISSUER } from "../src/tokens";
import { generateSigningKeyPair, type KeyPair } from "../src/keys";
import type { Principal } from "../src/principal";

/**
 * Tokens an attacker could present, built against the real key pair
 * of a deployment (the attacker knows its public key set, never its private key; the
 * "properly signed" cases stand for tokens a careless issuer could have minted).
 * Shared by the verifier's unit test and the services' attack suite (e2e/test/attacks*).
 */
export interface ForgedToken {
  readonly name: string;
  /** The TokenError reason the verifier must give. */
  readonly reason: "malformed" | "expired" | "not-yet-valid" | "bad-signature" | "invalid-claims";
  readonly token: string;
}

const HOUR = 3600;

/**
 * `wanted`: the claims the attacker would like honoured (say, a victim's id as an operator);
 * `own`: a principal the attacker holds a genuine token for (say, an attendee), whose token
 * the re-encoding attacks start from.
 */
export async function forgedTokens(pair: KeyPair, wanted: Principal, own: Principal): Promise<ForgedToken[]> {
  const publicJwk = pair.keySet.keys[0] as JWK;
  const kid = pair.privateKey.kid as string;
  const now = Math.floor(Date.now() / 1000);
  const claims = { role: wanted.role, sub: wanted.subject, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + HOUR };
  const signed = (payload: JWTPayload, header: Record<string, unknown> = {}) => signWith(pair.privateKey, payload, { kid, ...header });
  const stranger = await generateSigningKeyPair(kid);
  const genuine = await signed({ ...claims, role: own.role, sub: own.subject });
  const [header] = genuine.split(".") as [string, string, string];
  const genuineSignature = genuine.split(".")[2] as string;
  const publicPem = createPublicKey({ key: publicJwk as never, format: "jwk" })
    .export({ type: "spki", format: "pem" })
    .toString();
  return [
    { name: "alg none", reason: "bad-signature", token: `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.` },
    {
      name: "HS256 signed with the public key (PEM) as HMAC secret",
      reason: "bad-signature",
      token: hmac({ alg: "HS256", typ: "JWT", kid }, claims, publicPem),
    },
    {
      name: "HS256 signed with the public JWK as HMAC secret",
      reason: "bad-signature",
      token: hmac({ alg: "HS256", typ: "JWT", kid }, claims, JSON.stringify(publicJwk)),
    },
    { name: "expired an hour ago", reason: "expired", token: await signed({ ...claims, iat: now - 2 * HOUR, exp: now - HOUR }) },
    { name: "not valid before an hour from now (nbf)", reason: "not-yet-valid", token: await signed({ ...claims, nbf: now + HOUR, exp: now + 2 * HOUR }) },
    { name: "issued an hour from now (iat)", reason: "not-yet-valid", token: await signed({ ...claims, iat: now + HOUR, exp: now + 2 * HOUR }) },
    { name: "wrong issuer", reason: "invalid-claims", token: await signed({ ...claims, iss: "https://evil.example" }) },
    { name: "wrong audience", reason: "invalid-claims", token: await signed({ ...claims, aud: "another-service" }) },
    { name: "no expiry", reason: "invalid-claims", token: await signed({ ...claims, exp: undefined }) },
    { name: "unknown kid (signed by the real key)", reason: "bad-signature", token: await signed(claims, { kid: "no-such-key" }) },
    { name: "the real kid, signed by another key", reason: "bad-signature", token: await signWith(stranger.privateKey, claims, { kid }) },
    {
      name: "an embedded jwk header naming the attacker's key",
      reason: "bad-signature",
      token: await signWith(stranger.privateKey, claims, { kid, jwk: stranger.keySet.keys[0] }),
    },
    {
      name: "tampered payload (the wanted claims with a genuine token's signature)",
      reason: "bad-signature",
      token: `${header}.${encode(claims)}.${genuineSignature}`,
    },
    { name: "role escalated to operator without re-signing", reason: "bad-signature", token: reencoded(genuine, { role: "operator" }) },
    { name: "subject changed to the wanted one without re-signing", reason: "bad-signature", token: reencoded(genuine, { sub: wanted.subject }) },
    { name: "an unknown role, properly signed", reason: "invalid-claims", token: await signed({ ...claims, role: "admin" }) },
    { name: "not a JWT", reason: "malformed", token: "not.a.jwt" },
  ];
}

async function signWith(privateKey: JWK, payload: JWTPayload, header: Record<string, unknown>): Promise<string> {
  const clean = Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
  return new SignJWT(clean).setProtectedHeader({ alg: "ES256", typ: "JWT", ...header }).sign(await importJWK(privateKey, "ES256"));
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function hmac(header: object, claims: object, secret: string): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** The token with its payload changed and its original signature kept. */
export function reencoded(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
  return `${header}.${encode({ ...claims, ...changes })}.${signature}`;
}
