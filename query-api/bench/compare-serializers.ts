import { cpuSeconds, describeMemoryPeaks } from "@udaconnect/test-support";
import { startApiProcess, type ApiProcess } from "./api-process";
import { fixed, percentile, type Lookup } from "./measure";

export type Serializer = "handwritten" | "fastify";

const DISTANCE_M = 5;
const WITHIN_S = 600;

/**
 * Each serializer in its own server process (serializer-server.ts) on the same database; every
 * round asks both for every lookup in turn (which one goes first alternates), so the machine's
 * load falls on both alike. The first round also checks that both answers are the same bytes.
 * Prints each round's p50/p95 and CPU per lookup, then the p95 difference next to the
 * rounds' spread.
 */
export async function compareSerializers(
  databaseUrl: string,
  env: Readonly<Record<string, string>>,
  serializers: readonly Serializer[],
  lookups: readonly Lookup[],
  rounds: number,
): Promise<void> {
  const servers: ApiProcess[] = [];
  try {
    for (const serializer of serializers) servers.push(await startApiProcess(databaseUrl, env, undefined, ["bench/serializer-server.ts", serializer]));
    const url = (api: ApiProcess, l: Lookup) =>
      `${api.url}/v1/persons/p${l.personNumber}/connections?from=${l.from.toISOString()}&to=${l.to.toISOString()}&distance_m=${DISTANCE_M}&within_s=${WITHIN_S}` +
      (l.maxAccuracyMetres === undefined ? "" : `&max_accuracy_m=${l.maxAccuracyMetres}`);
    const timed = async (api: ApiProcess, l: Lookup) => {
      const t0 = performance.now();
      const reply = await fetch(url(api, l));
      const body = Buffer.from(await reply.arrayBuffer());
      if (reply.status !== 200) throw new Error(`p${l.personNumber}: HTTP ${reply.status} ${body.toString()}`);
      return { ms: performance.now() - t0, body };
    };
    for (const l of lookups.slice(0, 10)) for (const api of servers) await timed(api, l);
    const p95s = serializers.map(() => [] as number[]);
    let differing = 0;
    let bytes = 0;
    for (let round = 0; round < rounds; round++) {
      const times = serializers.map(() => [] as number[]);
      const cpuBefore = servers.map((s) => cpuSeconds(s.pid));
      for (const [i, l] of lookups.entries()) {
        const order = (i + round) % 2 === 0 ? servers.map((_, k) => k) : servers.map((_, k) => k).reverse();
        const bodies: Buffer[] = [];
        for (const k of order) {
          const { ms, body } = await timed(servers[k] as ApiProcess, l);
          times[k]?.push(ms);
          bodies[k] = body;
        }
        if (round === 0) {
          bytes += bodies[0]?.length ?? 0;
          if (bodies.length > 1 && !bodies.every((b) => b.equals(bodies[0] as Buffer))) differing++;
        }
      }
      const line = serializers.map((name, k) => {
        const sorted = (times[k] ?? []).sort((a, b) => a - b);
        p95s[k]?.push(Number(percentile(sorted, 95)));
        const cpuMs = ((cpuSeconds(servers[k]?.pid ?? 0) - (cpuBefore[k] ?? 0)) * 1000) / lookups.length;
        return `${name} (${k + 1}) p50 ${percentile(sorted, 50)} / p95 ${percentile(sorted, 95)} ms, CPU ${fixed(cpuMs)} ms per lookup`;
      });
      console.log(`serializer round ${round + 1} of ${rounds}: ${line.join(";  ")}`);
    }
    console.log(
      `     answers: ${fixed(bytes / lookups.length / 1024)} KiB on average; ${serializers.length > 1 ? `${differing} of ${lookups.length} differ between the servers` : "one server, nothing to compare"}`,
    );
    summarise(serializers, p95s);
    for (const [k, s] of servers.entries())
      console.log(`     ${serializers[k]} (server ${k + 1}): peak RSS ${s.peakRssMiB().toFixed(0)} MiB, peak ${describeMemoryPeaks(s.memoryPeaks())}`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/**
 * The p95 difference against the noise. With the hand-written server twice (an A/A control),
 * the noise is what two identical servers asked in the same turns differ by; otherwise the
 * widest spread of one server's p95 over the rounds.
 */
function summarise(serializers: readonly Serializer[], p95s: readonly number[][]): void {
  const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  for (const [k, name] of serializers.entries()) {
    const values = p95s[k] ?? [];
    console.log(
      `     ${name} (server ${k + 1}): p95 mean ${fixed(mean(values))} ms, over the rounds ${fixed(Math.min(...values))}–${fixed(Math.max(...values))} ms`,
    );
  }
  const first = serializers.indexOf("handwritten");
  const control = serializers.lastIndexOf("handwritten");
  const fastify = serializers.indexOf("fastify");
  if (first === -1 || fastify === -1) return;
  const perRound = (a: number, b: number) => (p95s[a] ?? []).map((v, r) => (p95s[b]?.[r] ?? Number.NaN) - v);
  const difference = perRound(first, fastify);
  console.log(`     p95 fastify − handwritten per round: ${difference.map(fixed).join(", ")} ms (mean ${fixed(mean(difference))} ms)`);
  if (control !== first) {
    // Paired by round: the same turns, so the same load, fell on all three servers.
    const aa = perRound(first, control);
    const beyond = difference.filter((d, r) => Math.abs(d) > Math.abs(aa[r] ?? Number.NaN)).length;
    const worst = Math.max(...aa.map(Math.abs));
    console.log(`     p95 handwritten − handwritten (A/A control) per round: ${aa.map(fixed).join(", ")} ms`);
    console.log(
      `     verdict: the p95 difference exceeds that round's A/A difference in ${beyond} of ${difference.length} rounds; ` +
        `its mean ${Math.abs(mean(difference)) > worst ? "exceeds" : "is within"} the worst A/A difference of any round (${fixed(worst)} ms)`,
    );
  } else {
    const noise = Math.max(...p95s.map((v) => Math.max(...v) - Math.min(...v)));
    console.log(
      `     verdict: the p95 difference ${Math.abs(mean(difference)) > noise ? "exceeds" : "is within"} the noise (widest p95 spread of one server over the rounds, ${fixed(noise)} ms)`,
    );
  }
}
