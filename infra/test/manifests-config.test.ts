import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { INGEST_SCHEMA } from "../../ingest/src/config";
import { PROJECTOR_SCHEMA } from "../../projector/src/config";
import { QUERY_API_SCHEMA } from "../../query-api/src/config";

const K8S = fileURLToPath(new URL("../k8s", import.meta.url));

/** Every environment variable a manifest sets (`- name: UPPER_CASE` under a container's env). */
function variablesInManifests(): string[] {
  const files = readdirSync(K8S, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".yaml"));
  const names = files.flatMap((file) => [...readFileSync(join(K8S, file), "utf8").matchAll(/^\s*- name: ([A-Z][A-Z0-9_]*)\s*$/gm)].map((m) => m[1] ?? ""));
  return [...new Set(names)].sort();
}

describe("the manifests and the services' configuration", () => {
  it.each([INGEST_SCHEMA, PROJECTOR_SCHEMA, QUERY_API_SCHEMA])("set no variable of $service's own prefixes that it would refuse as unknown", (schema) => {
    const known = new Set([...Object.values(schema.settings).flatMap((setting) => setting.names), ...("othersNames" in schema ? schema.othersNames : [])]);
    const own = variablesInManifests().filter((name) => schema.ownPrefixes.some((prefix) => name.startsWith(prefix)));

    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((name) => !known.has(name))).toEqual([]);
  });
});
