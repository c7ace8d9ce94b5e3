import { loadConfig } from "./config";
import { startQueryApi } from "./server";

const config = loadConfig();
const api = await startQueryApi(config);
console.log(`query-api: listening on ${api.url} (web page /, API docs /docs, OpenAPI /openapi.json)`);

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (closing) {
      return;
    }
    closing = true;
    api.close().then(
      () => console.log(`query-api: closed after ${signal}`),
      (error: unknown) => {
        console.error("query-api: failed to close cleanly", error);
        process.exitCode = 1;
      },
    );
  });
}
