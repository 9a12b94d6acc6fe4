// SLIM007 "Pin to digest": offered when the local engine has pulled the base image from
// its registry and so knows the digest. Only in a trusted workspace (it runs the engine).
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from '../../../server/src/shared/protocol';
import type { Ctx } from '../ctx';
import { pinnable, pinWithEngine } from '../engine/digest';
import { currentEngine } from '../engine/vscode';

const LOOKUP_TIMEOUT_MS = 3_000;
/** Digests change only on a pull: remembered briefly, so the lightbulb does not run the engine on every cursor move. */
const CACHE_MS = 30_000;

export function activate(ctx: Ctx): void {
  const provider = new PinDigestActions();
  ctx.extension.subscriptions.push(
    vscode.languages.registerCodeActionsProvider({ language: 'dockerfile', scheme: 'file' }, provider, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}

class PinDigestActions implements vscode.CodeActionProvider {
  private readonly cache = new Map<string, { at: number; pinned: Promise<string | undefined> }>();

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    if (!vscode.workspace.isTrusted) return [];
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics.filter(isUnpinnedBase)) {
      const written = document.getText(diagnostic.range);
      if (!pinnable(written)) continue;
      const pinned = await this.lookup(document.uri, written);
      if (!pinned || token.isCancellationRequested) continue;
      const action = new vscode.CodeAction(`Pin to digest ${pinned.slice(pinned.lastIndexOf('@') + 1, pinned.lastIndexOf('@') + 20)}… (known to the local engine)`, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, diagnostic.range, pinned);
      actions.push(action);
    }
    return actions;
  }

  private lookup(scope: vscode.Uri, written: string): Promise<string | undefined> {
    const key = written.trim();
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.pinned;
    const pinned = currentEngine(scope).then(
      (engine) => pinWithEngine(engine, key, { timeoutMs: LOOKUP_TIMEOUT_MS }),
      () => undefined, // no engine, untrusted: nothing to offer
    );
    this.cache.set(key, { at: Date.now(), pinned });
    return pinned;
  }
}

function isUnpinnedBase(diagnostic: vscode.Diagnostic): boolean {
  const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  return diagnostic.source === DIAGNOSTIC_SOURCE && code === 'SLIM007';
}
