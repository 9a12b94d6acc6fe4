// The "Image" panel and its commands: build the active Dockerfile, cancel, show the panel.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { ImagePanel, VIEW_ID } from '../panel/provider';

export function activate(ctx: Ctx): ImagePanel {
  const panel = new ImagePanel(ctx);
  ctx.extension.subscriptions.push(
    panel,
    vscode.window.registerWebviewViewProvider(VIEW_ID, panel, { webviewOptions: { retainContextWhenHidden: false } }),
    vscode.commands.registerCommand('dockerfileSlim.buildImage', async (uri?: vscode.Uri) => {
      const document = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : panel.currentDockerfile();
      if (!document) return void vscode.window.showInformationMessage('Open a Dockerfile to build it.');
      await panel.reveal(document);
      await panel.build(document);
    }),
    vscode.commands.registerCommand('dockerfileSlim.cancelBuild', () => panel.cancel()),
    vscode.commands.registerCommand('dockerfileSlim.showPanel', () => panel.reveal(panel.currentDockerfile())),
  );
  return panel;
}
