// The server asks to open a rule's bundled docs page (window/showDocument);
// show Markdown pages rendered instead of as source.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';

export function activate(ctx: Ctx): void {
  ctx.addMiddleware({
    window: {
      showDocument: async (params, token, next) => {
        if (!params.uri.endsWith('.md') || params.external) return next(params, token);
        await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.parse(params.uri));
        return { success: true };
      },
    },
  });
}
