/**
 * Settles like `work` unless `ms` pass first, then rejects with `onTimeout()`.
 * The work itself goes on; `onLateFailure` hears how it ends if it fails after the deadline.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error, onLateFailure: (error: unknown) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(onTimeout());
    }, ms);
  });
  work.catch((error: unknown) => {
    if (timedOut) {
      onLateFailure(error);
    }
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
