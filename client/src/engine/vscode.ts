// The engine layer inside VS Code: settings (with the rule that a workspace can never
// choose the executable), workspace trust, and builds shown as a cancellable progress
// notification with their output in the extension's log channel.
import * as vscode from 'vscode';
import { buildImage, describeProgress, type BuildOutcome, type BuildProgress, type BuildRequest } from '../../../server/src/engine/build';
import { engineSettingsFrom, resolveEngine, type Engine, type EngineSettings } from '../../../server/src/engine/engine';
import { EngineError, engineName, untrusted } from '../../../server/src/engine/errors';

const SECTION = 'dockerfileSlim';

/** `dockerfileSlim.engine` from any level; `dockerfileSlim.enginePath` only from user or machine settings. */
export function readEngineSettings(scope?: vscode.ConfigurationScope): EngineSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return engineSettingsFrom(config.get<string>('engine'), config.inspect<string>('enginePath'));
}

/** Fires when either engine setting changes. */
export function onEngineSettingsChanged(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(`${SECTION}.engine`) || event.affectsConfiguration(`${SECTION}.enginePath`)) listener();
  });
}

export type EnginePermission = { ok: true } | { ok: false; reason: string };

/** Whether builds may run here; in an untrusted workspace, the reason the panel shows. */
export function canRunEngine(): EnginePermission {
  if (vscode.workspace.isTrusted) return { ok: true };
  const error = untrusted();
  return { ok: false, reason: `${error.message} ${error.nextStep}` };
}

/** The engine the settings pick for SCOPE (throws EngineError: not installed, untrusted). */
export async function currentEngine(scope?: vscode.ConfigurationScope): Promise<Engine> {
  if (!vscode.workspace.isTrusted) throw untrusted();
  return resolveEngine(readEngineSettings(scope));
}

export interface BuildWithProgressOptions {
  /** Also cancels the build (e.g. the panel's Cancel button); the notification's Cancel does too. */
  signal?: AbortSignal;
  onProgress?: (progress: BuildProgress) => void;
  onLine?: BuildRequest['onLine'];
}

/**
 * Builds REQUEST with the engine the settings pick, showing a cancellable progress
 * notification and writing the engine's output to LOG. Resolves to the image id or
 * throws EngineError (the caller shows its message and next step).
 */
export async function buildWithProgress(
  log: vscode.LogOutputChannel,
  request: Omit<BuildRequest, 'signal' | 'onProgress' | 'onLine'>,
  options: BuildWithProgressOptions = {},
): Promise<BuildOutcome & { executable: string; engineUsed: Engine }> {
  const engine = await currentEngine(vscode.Uri.file(request.dockerfile));
  const title = `Building ${vscode.workspace.asRelativePath(request.dockerfile)} with ${engineName(engine.kind)}`;
  log.info(`${title}: ${engine.executable} build -f ${request.dockerfile}${request.target ? ` --target ${request.target}` : ''} ${request.context}`);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    const cancel = () => controller.abort();
    const cancelSubscription = token.onCancellationRequested(cancel);
    options.signal?.addEventListener('abort', cancel, { once: true });
    if (options.signal?.aborted) cancel();
    let reported = 0;
    try {
      const outcome = await buildImage(engine, {
        ...request,
        signal: controller.signal,
        onLine: (line, stream) => {
          if (line.trim() !== '') log.info(line);
          options.onLine?.(line, stream);
        },
        onProgress: (step) => {
          // Steps counted per stage give no overall share: the bar then just spins.
          const increment = step.fraction === undefined ? undefined : Math.max(0, step.fraction * 100 - reported);
          if (increment !== undefined) reported += increment;
          progress.report({ message: describeProgress(step), increment });
          options.onProgress?.(step);
        },
      });
      log.info(`Built ${outcome.imageId} in ${(outcome.durationMs / 1000).toFixed(1)} s`);
      return { ...outcome, executable: engine.executable, engineUsed: engine };
    } catch (error) {
      log.error(error instanceof EngineError ? error.describe() : String(error));
      throw error;
    } finally {
      cancelSubscription.dispose();
      options.signal?.removeEventListener('abort', cancel);
    }
  });
}

/** `dockerfileSlim.buildArguments`: more `build` options, as a list of arguments (never a shell string). */
export function readBuildArguments(scope?: vscode.ConfigurationScope): string[] {
  const value = vscode.workspace.getConfiguration(SECTION, scope).get<unknown>('buildArguments');
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
