// A promise given a deadline: work that may hang on an unreachable service (a queue, a database) fails in time instead.

export class TimeoutError extends Error {}

export function withTimeout<T>(work: Promise<T>, ms: number, message = "timed out"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
