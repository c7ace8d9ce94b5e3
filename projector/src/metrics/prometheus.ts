type Labels = Readonly<Record<string, string>>;

interface Metric {
  lines(): string[];
}

function labelText(labels: Labels, extra: Labels = {}): string {
  const all = { ...labels, ...extra };
  const parts = Object.entries(all).map(([k, v]) => `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

abstract class Series<V> implements Metric {
  protected readonly values = new Map<string, { labels: Labels; value: V }>();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: string,
  ) {}

  protected slot(labels: Labels, initial: () => V): { labels: Labels; value: V } {
    const key = labelText(labels);
    let entry = this.values.get(key);
    if (entry === undefined) {
      entry = { labels, value: initial() };
      this.values.set(key, entry);
    }
    return entry;
  }

  lines(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`, ...this.samples()];
  }

  protected abstract samples(): string[];
}

export class Counter extends Series<number> {
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels: Labels, by = 1): void {
    this.slot(labels, () => 0).value += by;
  }
  protected samples(): string[] {
    return [...this.values.values()].map((e) => `${this.name}${labelText(e.labels)} ${e.value}`);
  }
}

export class Gauge extends Series<number> {
  constructor(name: string, help: string) {
    super(name, help, "gauge");
  }
  set(labels: Labels, value: number): void {
    this.slot(labels, () => 0).value = value;
  }
  clear(): void {
    this.values.clear();
  }
  entries(): [Labels, number][] {
    return [...this.values.values()].map((e) => [e.labels, e.value]);
  }
  protected samples(): string[] {
    return [...this.values.values()].map((e) => `${this.name}${labelText(e.labels)} ${e.value}`);
  }
}

export class Histogram extends Series<{ buckets: number[]; sum: number; count: number }> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
  ) {
    super(name, help, "histogram");
  }
  observe(labels: Labels, value: number): void {
    const entry = this.slot(labels, () => ({ buckets: this.bounds.map(() => 0), sum: 0, count: 0 })).value;
    this.bounds.forEach((bound, i) => {
      if (value <= bound) {
        entry.buckets[i] = (entry.buckets[i] ?? 0) + 1;
      }
    });
    entry.sum += value;
    entry.count += 1;
  }
  protected samples(): string[] {
    return [...this.values.values()].flatMap(({ labels, value }) => [
      ...this.bounds.map((bound, i) => `${this.name}_bucket${labelText(labels, { le: String(bound) })} ${value.buckets[i] ?? 0}`),
      `${this.name}_bucket${labelText(labels, { le: "+Inf" })} ${value.count}`,
      `${this.name}_sum${labelText(labels)} ${value.sum}`,
      `${this.name}_count${labelText(labels)} ${value.count}`,
    ]);
  }
}

export function renderMetrics(metrics: readonly Metric[]): string {
  return `${metrics.flatMap((m) => m.lines()).join("\n")}\n`;
}
