import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

/**
 * Every workspace package (from pnpm-workspace.yaml, so a new package's tests cannot be
 * left out by accident) and infra/, whose tests check the deployment.
 */
function testedFolders(): string {
  const workspace = readFileSync(new URL("./pnpm-workspace.yaml", import.meta.url), "utf8");
  const packagesBlock = /^packages:\n((?:\s+- .+\n)+)/m.exec(workspace)?.[1];
  if (packagesBlock === undefined) throw new Error("pnpm-workspace.yaml: no 'packages:' list");
  const packages = packagesBlock
    .split("\n")
    .map((line) =>
      line
        .replace(/^\s+- /, "")
        .replace(/["']/g, "")
        .trim(),
    )
    .filter(Boolean);
  return `{${[...packages, "infra"].join(",")}}`;
}

const services = `${testedFolders()}/{src,test,bench}`;
const globalSetup = ["./test-support/src/global-setup.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [`${services}/**/*.test.ts`],
          exclude: ["**/*.int.test.ts", "**/*.e2e.test.ts", "**/*.cluster.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: [`${services}/**/*.int.test.ts`],
          globalSetup,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: [`${services}/**/*.e2e.test.ts`],
          globalSetup,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Against the local Kubernetes cluster (infra/local-cluster): KUBECONFIG must point at it.
        test: {
          name: "cluster",
          include: [`${services}/**/*.cluster.test.ts`],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
