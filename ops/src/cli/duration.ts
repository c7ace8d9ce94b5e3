const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "90" (seconds), "90s", "15m", "2h", "1h30m" → milliseconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    return Number(text) * 1_000;
  }
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    return undefined;
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * (UNITS[unit ?? "s"] ?? 0), 0);
}

/** 95_000 → "1m35s": for messages, the inverse of parseDuration on whole seconds. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1_000));
  const h = Math.floor(total / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  return `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 || total === 0 ? `${s}s` : ""}`;
}
