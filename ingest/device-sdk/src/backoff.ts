/**
 * "Full jitter" exponential backoff (AWS architecture blog): a random wait
 * between 0 and min(max, base * 2^attempt), so devices that lost the same
 * gateway at once do not come back in lockstep.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
