// When to validate a document after a change: typing never waits for analysis.
// Changes coalesce (a newer request replaces the pending one); large files wait a little.

export const LARGE_FILE_LINES = 1000;
/** A few very long lines cost as much as many short ones. */
export const LARGE_FILE_CHARACTERS = 64 * 1024;
export const LARGE_FILE_DELAY_MS = 150;
/** Typing in a Makefile or a Go source re-validates the Dockerfiles that read it, once the typing pauses. */
export const CONTEXT_EDIT_DELAY_MS = 150;

/** Next tick for ordinary files; a short debounce for large ones, whose analysis is slower. */
export function validationDelay(lineCount: number, length: number): number {
  return lineCount > LARGE_FILE_LINES || length > LARGE_FILE_CHARACTERS ? LARGE_FILE_DELAY_MS : 0;
}

export class Scheduler {
  private readonly pending = new Map<string, () => void>();

  /** Runs `task` after `delayMs` (0: next tick), cancelling what was pending for `key`. */
  schedule(key: string, delayMs: number, task: () => void): void {
    this.cancel(key);
    const run = () => {
      this.pending.delete(key);
      task();
    };
    if (delayMs <= 0) {
      const handle = setImmediate(run);
      this.pending.set(key, () => clearImmediate(handle));
    } else {
      const handle = setTimeout(run, delayMs);
      this.pending.set(key, () => clearTimeout(handle));
    }
  }

  cancel(key: string): void {
    this.pending.get(key)?.();
    this.pending.delete(key);
  }

  cancelAll(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
  }
}
