export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (format 0.0.4), for tests and tools that read /metrics. */
export function readExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = SAMPLE_LINE.exec(line);
    if (line.startsWith("#") || match === null) {
      continue;
    }
    const [, name = "", labelText = "", value = ""] = match;
    const labels = Object.fromEntries([...labelText.matchAll(LABEL)].map(([, key = "", raw = ""]) => [key, unescapeLabel(raw)]));
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

function unescapeLabel(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}
