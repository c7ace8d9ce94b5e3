import { type JSONWebKeySet, type JWK, SignJWT, createLocalJWKSet, errors, importJWK, jwtVerify } from "jose";
import { ROLES, type Principal, type Role } from "./principal";

export const ISSUER = "udaconnect";
export const AUDIENCE = "udaconnect";
const ALGORITHM = "ES256";
const SUBJECT = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Why a token was refused; `message` is safe to show the client. */
export class TokenError extends Error {
  constructor(
    message: string,
    readonly reason: "malformed" | "expired" | "not-yet-valid" | "bad-signature" | "invalid-claims",
  ) {
    super(message);
    this.name = "TokenError";
  }
}

export type VerifyToken = (token: string) => Promise<Principal>;
export type SignToken = (principal: Principal, options?: { expiresInSeconds?: number }) => Promise<string>;

/**
 * A verifier for tokens signed by any key of `keySet`. Rotation: publish the
 * new public key next to the old one, switch the signer, drop the old key
 * once the tokens it signed have expired.
 */
export function createVerifier(keySet: JSONWebKeySet, options: { clockToleranceSeconds?: number; now?: () => Date } = {}): VerifyToken {
  const keys = createLocalJWKSet(keySet);
  const tolerance = options.clockToleranceSeconds ?? 30;
  const now = options.now ?? (() => new Date());
  return async (token) => {
    try {
      const currentDate = now();
      const { payload } = await jwtVerify(token, keys, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [ALGORITHM],
        requiredClaims: ["exp", "sub", "role"],
        clockTolerance: tolerance,
        currentDate,
      });
      // jose checks iat only against a maxTokenAge; a token issued in the future is as suspect as one with a future nbf.
      if (payload.iat !== undefined && payload.iat > currentDate.getTime() / 1000 + tolerance) {
        throw new TokenError("token is not valid yet (issued in the future)", "not-yet-valid");
      }
      const { sub, role } = payload;
      if (typeof sub !== "string" || !SUBJECT.test(sub) || !ROLES.includes(role as Role)) {
        throw new TokenError("token has an invalid subject or role", "invalid-claims");
      }
      return { subject: sub, role: role as Role };
    } catch (error) {
      throw asTokenError(error);
    }
  };
}

/** A signer with one private key (JWK with `kid`); tokens live `expiresInSeconds` (default 1 day). */
export async function createSigner(privateKey: JWK): Promise<SignToken> {
  if (privateKey.kid === undefined) throw new Error("the signing key needs a kid, so verifiers can pick it from the key set");
  const key = await importJWK(privateKey, ALGORITHM);
  return async (principal, options = {}) => {
    if (!SUBJECT.test(principal.subject)) throw new Error(`subject ${JSON.stringify(principal.subject)} is not 1-64 of [A-Za-z0-9_.@-]`);
    return new SignJWT({ role: principal.role })
      .setProtectedHeader({ alg: ALGORITHM, kid: privateKey.kid as string, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(principal.subject)
      .setIssuedAt()
      .setExpirationTime(`${options.expiresInSeconds ?? 86_400}s`)
      .sign(key);
  };
}

function asTokenError(error: unknown): TokenError {
  if (error instanceof TokenError) return error;
  if (error instanceof errors.JWTExpired) return new TokenError("token has expired", "expired");
  if (error instanceof errors.JOSEAlgNotAllowed) return new TokenError("token is not signed with ES256", "bad-signature");
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return new TokenError("token is not signed by a known key", "bad-signature");
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === "nbf"
      ? new TokenError("token is not valid yet (nbf is in the future)", "not-yet-valid")
      : new TokenError(`token claim ${error.claim} is invalid`, "invalid-claims");
  }
  return new TokenError("token is not a valid JWT", "malformed");
}
