import * as vscode from 'vscode';
import { Ctx } from './ctx';
import * as dockerExtensionWatch from './features/docker-extension-watch';
import * as imagePanel from './features/image-panel';
import * as pinDigest from './features/pin-digest';
import * as restartServer from './features/restart-server';
import * as ruleDocs from './features/rule-docs';
import * as slimCommand from './features/slim-command';
import * as status from './features/status';

let ctx: Ctx | undefined;

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Dockerfile Slim', { log: true });
  extension.subscriptions.push(log);
  ctx = new Ctx(extension, log);
  for (const feature of [ruleDocs, restartServer, dockerExtensionWatch, status, pinDigest]) feature.activate(ctx);
  slimCommand.activate(ctx, imagePanel.activate(ctx));
  await ctx.start();
}

export async function deactivate(): Promise<void> {
  await ctx?.stop();
}
