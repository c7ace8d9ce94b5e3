import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { allTopics, deadLetterTopic } from "@udaconnect/schemas";
import { kafkaTopicsYaml } from "./k8s-topics/kafka-topics-yaml";

const OUTPUT = fileURLToPath(new URL("../../infra/k8s/components/kafka-strimzi/kafka-topics.yaml", import.meta.url));

const USAGE = `usage: scripts/generate-k8s-topics [--check] [--output FILE]

Writes the Strimzi KafkaTopic resources of every UdaConnect topic (schemas/src/topics.ts)
to infra/k8s/components/kafka-strimzi/kafka-topics.yaml.

  --check          write nothing; fail when the file differs from what would be written
  --output FILE    another file than the committed one (tests)

Exit codes: 0 written, or current; 1 not current (--check) or failed; 2 usage error.`;

async function main(): Promise<number> {
  let check: boolean;
  let output: string;
  try {
    const { values } = parseArgs({ options: { check: { type: "boolean" }, output: { type: "string" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    check = values.check ?? false;
    output = values.output ?? OUTPUT;
  } catch (error) {
    console.error(`generate-k8s-topics: ${error instanceof Error ? error.message : String(error)} (see --help)`);
    return 2;
  }
  const wanted = kafkaTopicsYaml([...allTopics, deadLetterTopic]);
  if (!check) {
    await writeFile(output, wanted);
    console.error(`generate-k8s-topics: wrote ${output}`);
    return 0;
  }
  const current = await readFile(output, "utf8").catch(() => "");
  if (current !== wanted) {
    console.error(`generate-k8s-topics: ${output} is not what schemas/src/topics.ts gives: run scripts/generate-k8s-topics and commit the result.`);
    return 1;
  }
  console.error("generate-k8s-topics: the KafkaTopic resources are current");
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`generate-k8s-topics: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
