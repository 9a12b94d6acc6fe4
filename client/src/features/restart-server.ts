import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

export function activate(ctx: Ctx): void {
  ctx.extension.subscriptions.push(
    vscode.commands.registerCommand('dockerfileSlim.restartServer', async () => {
      ctx.log.info('Restarting the language server');
      await ctx.restart();
    }),
  );
}
