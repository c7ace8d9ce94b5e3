import { defineConfig } from "vitest/config";

const services = "{ingest,ingest/device-sdk,projector,query-api,schemas,migrations,scripts,test-support,e2e,auth,kafka-connection,ops,infra}";
const globalSetup = ["./test-support/src/global-setup.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [`${services}/{src,test}/**/*.test.ts`],
          exclude: ["**/*.int.test.ts", "**/*.e2e.test.ts", "**/*.cluster.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: [`${services}/{src,test}/**/*.int.test.ts`],
          globalSetup,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: [`${services}/{src,test}/**/*.e2e.test.ts`],
          globalSetup,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Against the local Kubernetes cluster (infra/local-cluster): KUBECONFIG must point at it.
        test: {
          name: "cluster",
          include: [`${services}/{src,test}/**/*.cluster.test.ts`],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
