// Base validation defaults to off while Docker's own extension reports the same
// problems. The server learns this at start, so a change of installed extensions restarts it.
import * as vscode from 'vscode';
import { type Ctx, dockerExtensionInstalled } from '../ctx';

export function activate(ctx: Ctx): void {
  let installed = dockerExtensionInstalled();
  ctx.extension.subscriptions.push(
    vscode.extensions.onDidChange(async () => {
      if (dockerExtensionInstalled() === installed) return;
      installed = !installed;
      ctx.log.info(`Docker extension ${installed ? 'installed' : 'removed'}: restarting the server`);
      await ctx.restart();
    }),
  );
}
