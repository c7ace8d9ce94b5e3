import { Code, ConnectError } from "@connectrpc/connect";
import { TokenError, type VerifyToken } from "@udaconnect/auth";
import { isOperator, type Caller } from "../ingest/access";

/** Who sent a call, from its `authorization: Bearer <jwt>` header (gRPC metadata alike). */
export type Authenticate = (headers: Headers) => Promise<Caller>;

/** "disabled" lets every call through as "anyone" (local experiments only; main logs a loud warning). */
export function authenticator(auth: VerifyToken | "disabled"): Authenticate {
  if (auth === "disabled") {
    return async () => "anyone";
  }
  return async (headers) => {
    const header = headers.get("authorization");
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (token === undefined) {
      throw new ConnectError('missing "authorization: Bearer <token>" header', Code.Unauthenticated);
    }
    try {
      return await auth(token);
    } catch (error) {
      if (error instanceof TokenError) {
        throw new ConnectError(error.message, Code.Unauthenticated);
      }
      throw error;
    }
  };
}

export function requireOperator(caller: Caller): void {
  if (!isOperator(caller)) {
    throw new ConnectError("this call needs an operator token", Code.PermissionDenied);
  }
}
