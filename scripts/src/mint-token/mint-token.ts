import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { parseArgs } from "node:util";
import { ROLES, SIGNING_KEY_FILE, createSigner, ensureDevKeys, type Role } from "@udaconnect/auth";

export const DEFAULT_KEY_FILE = ".local/auth/signing-key.jwk.json";

export interface MintRequest {
  readonly role: Role;
  readonly subject: string;
  readonly keyFile: string;
  /** Create development keys beside keyFile when it does not exist. */
  readonly dev: boolean;
  readonly expiresInSeconds: number;
}

export type ParsedMintArgs = { kind: "help" } | { kind: "request"; request: MintRequest } | { kind: "usage-error"; problems: string[] };

export function parseMintArgs(argv: readonly string[]): ParsedMintArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        role: { type: "string" },
        subject: { type: "string" },
        "key-file": { type: "string" },
        dev: { type: "boolean" },
        "expires-in": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { kind: "usage-error", problems: [error instanceof Error ? error.message : String(error)] };
  }
  if (values.help) return { kind: "help" };
  const problems: string[] = [];
  if (!ROLES.includes(values.role as Role)) problems.push(`--role must be one of ${ROLES.join(", ")}, got ${JSON.stringify(values.role ?? "")}`);
  if (values.subject === undefined || values.subject === "")
    problems.push("--subject is required: the person id for an attendee, a name for an analyst or operator");
  const expiresInSeconds = Number(values["expires-in"] ?? 86_400);
  if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds <= 0)
    problems.push(`--expires-in must be a positive number of seconds, got "${values["expires-in"]}"`);
  if (problems.length > 0) return { kind: "usage-error", problems };
  return {
    kind: "request",
    request: {
      role: values.role as Role,
      subject: values.subject as string,
      keyFile: values["key-file"] ?? DEFAULT_KEY_FILE,
      dev: values.dev ?? false,
      expiresInSeconds,
    },
  };
}

/** Signs a token for the request with the private key in `keyFile` (a JWK with a kid). */
export async function mintToken(request: MintRequest): Promise<string> {
  if (request.dev) {
    if (basename(request.keyFile) !== SIGNING_KEY_FILE) throw new Error(`--dev creates keys named ${SIGNING_KEY_FILE}; --key-file is ${request.keyFile}`);
    await ensureDevKeys(dirname(request.keyFile));
  }
  const text = await readFile(request.keyFile, "utf8").catch((error: NodeJS.ErrnoException) => {
    const hint = error.code === "ENOENT" ? " (pass --dev to create development keys there)" : "";
    throw new Error(`cannot read the signing key ${request.keyFile}: ${error.code ?? error.message}${hint}`);
  });
  let key;
  try {
    key = JSON.parse(text) as Parameters<typeof createSigner>[0];
  } catch {
    throw new Error(`${request.keyFile} is not a JSON Web Key`);
  }
  const sign = await createSigner(key);
  return sign({ role: request.role, subject: request.subject }, { expiresInSeconds: request.expiresInSeconds });
}
