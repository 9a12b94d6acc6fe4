// A handler that throws must not take the server down: log it and answer with a fallback.

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/** Wraps a (sync or async) handler: errors are logged with `label`, the caller gets `fallback`. */
export function guarded<A extends unknown[], R, F>(
  log: (message: string) => void,
  label: string,
  fallback: F,
  handler: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<R | F> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (error) {
      log(`${label} failed: ${describeError(error)}`);
      return fallback;
    }
  };
}
