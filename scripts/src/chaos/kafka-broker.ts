import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { SupervisedProcess } from "./supervised-process";

export interface BrokerPorts {
  /** PLAINTEXT, advertised as itself: the run's own checks, never faulted. */
  readonly direct: number;
  readonly controller: number;
  /** Where the INGEST and PROJECTOR listeners bind. */
  readonly ingestListener: number;
  readonly projectorListener: number;
  /** What those two listeners advertise: the proxies in front of them. */
  readonly ingestProxy: number;
  readonly projectorProxy: number;
}

/**
 * The run's own single-node KRaft broker. Clients learn the brokers' addresses from metadata,
 * so each proxied listener advertises its proxy's port: a client that bootstraps through the
 * proxy stays behind it. The jars and log4j configuration come from `kafka.sh install`.
 */
export async function prepareBroker(kafkaDir: string, runDir: string, ports: BrokerPorts, env: Readonly<Record<string, string>>): Promise<SupervisedProcess> {
  const dir = join(runDir, "kafka");
  const props = join(dir, "server.properties");
  mkdirSync(join(dir, "logs"), { recursive: true });
  writeFileSync(
    props,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@127.0.0.1:${ports.controller}`,
      `listeners=PLAINTEXT://127.0.0.1:${ports.direct},CONTROLLER://127.0.0.1:${ports.controller},INGEST://127.0.0.1:${ports.ingestListener},PROJECTOR://127.0.0.1:${ports.projectorListener}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${ports.direct},INGEST://127.0.0.1:${ports.ingestProxy},PROJECTOR://127.0.0.1:${ports.projectorProxy}`,
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,INGEST:PLAINTEXT,PROJECTOR:PLAINTEXT",
      "controller.listener.names=CONTROLLER",
      "inter.broker.listener.name=PLAINTEXT",
      `log.dirs=${join(dir, "data")}`,
      "num.partitions=1",
      "default.replication.factor=1",
      "min.insync.replicas=1",
      "auto.create.topics.enable=false",
      "offsets.topic.replication.factor=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "share.coordinator.state.topic.replication.factor=1",
      "share.coordinator.state.topic.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      "",
    ].join("\n"),
  );
  const classpath = join(kafkaDir, "lib", "*");
  const clusterId = randomBytes(16).toString("base64url");
  await promisify(execFile)(
    "java",
    [
      "-Xmx256m",
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      `-Dlog4j2.configurationFile=${join(kafkaDir, "config", "log4j2-tools.xml")}`,
      "-cp",
      classpath,
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      props,
    ],
    { timeout: 120_000, env },
  );
  return new SupervisedProcess({
    name: "kafka",
    command: "java",
    args: [
      "-Xms128m",
      "-Xmx512m",
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-Djava.awt.headless=true",
      `-Dkafka.logs.dir=${join(dir, "logs")}`,
      `-Dlog4j2.configurationFile=${join(kafkaDir, "config", "log4j2.xml")}`,
      "-cp",
      classpath,
      "kafka.Kafka",
      props,
    ],
    cwd: dir,
    env,
    logFile: join(dir, "logs", "kafka.out"),
  });
}

/** Waits until the broker answers an ApiVersions request on `port`, i.e. processes requests. */
export async function waitForBroker(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await brokerAnswers(port))) {
    if (Date.now() > deadline) throw new Error(`the chaos run's Kafka broker did not answer on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

function brokerAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let reply = Buffer.alloc(0);
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(3_000, () => done(false));
    socket.on("error", () => done(false));
    // ApiVersions v0, correlation id 42: the same probe as infra/local/kafka.sh.
    socket.on("connect", () => socket.write(Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 42, 0, 0])));
    socket.on("data", (chunk: Buffer) => {
      reply = Buffer.concat([reply, chunk]);
      if (reply.length >= 8) done(reply.readInt32BE(4) === 42);
    });
  });
}
