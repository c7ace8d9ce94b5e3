import { mintToken, parseMintArgs } from "./mint-token/mint-token";

const USAGE = `usage: scripts/mint-token --role attendee|analyst|operator --subject ID [options]

Prints a signed bearer token (JWT) for UdaConnect's ingest and query APIs.

  --key-file FILE   private signing key (JWK), default .local/auth/signing-key.jwk.json
  --dev             create development keys there (and jwks.json beside it) if missing
  --expires-in S    lifetime in seconds, default 86400

Exit codes: 0 printed a token; 1 failed (key unreadable…); 2 usage error.`;

async function main(): Promise<number> {
  const parsed = parseMintArgs(process.argv.slice(2));
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "usage-error") {
    for (const problem of parsed.problems) console.error(`mint-token: ${problem}`);
    return 2;
  }
  console.log(await mintToken(parsed.request));
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`mint-token: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
