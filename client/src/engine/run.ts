// Starts an image once to prove it runs: no network, a time limit, removed afterwards.
// A program still running at the limit has started (a server); it is then stopped.
// No `vscode` import.
import { randomBytes } from 'node:crypto';
import { runEngine, type Engine } from '../../../server/src/engine/engine';

export interface RunProof {
  /** `exited`: ended with code 0; `running`: still up at the time limit; `failed`: any other end. */
  outcome: 'exited' | 'running' | 'failed';
  exitCode: number | null;
  /** The last lines it printed (stdout and stderr). */
  output: string;
  durationMs: number;
}

export interface RunProofOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** More `run` options before the image, e.g. `--runtime runc`. */
  extraArgs?: readonly string[];
}

export const DEFAULT_RUN_TIMEOUT_MS = 10_000;

export async function proveRun(engine: Engine, image: string, options: RunProofOptions = {}): Promise<RunProof> {
  const name = `dockerfile-slim-proof-${randomBytes(6).toString('hex')}`;
  const args = ['run', '--rm', '--name', name, '--network', 'none', '--pull=never', ...(options.extraArgs ?? []), image];
  const result = await runEngine(engine, args, { timeoutMs: options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS, signal: options.signal, tailLines: 20 });
  // Killing the CLI does not stop the container: remove it by name (whatever state it is in).
  if (result.timedOut || result.aborted) await runEngine(engine, ['rm', '--force', name], { timeoutMs: 30_000 });
  const outcome = result.timedOut && !result.aborted ? 'running' : result.exitCode === 0 ? 'exited' : 'failed';
  return { outcome, exitCode: result.exitCode, output: result.outputTail, durationMs: result.durationMs };
}

/** One line for the panel and the notification. */
export function describeProof(proof: RunProof, timeoutMs = DEFAULT_RUN_TIMEOUT_MS): string {
  if (proof.outcome === 'exited') return 'The slimmed image starts: its program ran and exited with code 0.';
  if (proof.outcome === 'running') return `The slimmed image starts: its program was still running after ${Math.round(timeoutMs / 1000)} s (then stopped).`;
  const last = proof.output.trim().split('\n').pop() ?? '';
  return `The slimmed image does not start: it ended with code ${proof.exitCode ?? 'none'}${last ? `: ${last}` : ''}.`;
}
