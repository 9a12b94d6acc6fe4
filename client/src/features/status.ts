// A status bar item with the language server's state and the active Dockerfile's finding
// count. A click shows the log, or restarts the server once it has stopped (it stops for
// good after repeated crashes, and a user should not have to find the palette command).
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { DIAGNOSTIC_SOURCE } from '../../../server/src/shared/protocol';
import type { Ctx } from '../ctx';

const SHOW_LOG_COMMAND = 'dockerfileSlim.showLog';
const RESTART_COMMAND = 'dockerfileSlim.restartServer';

export function activate(ctx: Ctx): void {
  const item = vscode.window.createStatusBarItem('dockerfileSlim.status', vscode.StatusBarAlignment.Left);
  item.name = 'Dockerfile Slim';
  let state = State.Starting;
  let stateListener: vscode.Disposable | undefined;
  const update = (): void => render(item, state);
  ctx.extension.subscriptions.push(
    item,
    vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => ctx.log.show(true)),
    ctx.onDidCreateClient((client) => {
      // A restart replaces the client: only the current one's state counts.
      stateListener?.dispose();
      state = State.Starting;
      stateListener = client.onDidChangeState(({ newState }) => {
        state = newState;
        update();
      });
      update();
    }),
    { dispose: () => stateListener?.dispose() },
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.languages.onDidChangeDiagnostics(({ uris }) => {
      const active = activeDockerfile()?.toString();
      if (uris.some((uri) => uri.toString() === active)) update();
    }),
  );
  update();
}

function render(item: vscode.StatusBarItem, state: State): void {
  const dockerfile = activeDockerfile();
  // While the server runs, the item belongs to Dockerfiles; a starting or stopped server shows everywhere.
  if (state === State.Running && !dockerfile) return item.hide();
  const { text, label, command, background } = describe(state, dockerfile);
  item.text = text;
  item.tooltip = label;
  item.accessibilityInformation = { label };
  item.command = command;
  item.backgroundColor = background ? new vscode.ThemeColor(background) : undefined;
  item.show();
}

interface Look {
  text: string;
  label: string;
  command: string;
  background?: string;
}

function describe(state: State, dockerfile: vscode.Uri | undefined): Look {
  if (state === State.Stopped) {
    return { text: '$(error) Slim', label: 'Dockerfile Slim: the language server has stopped. Click to restart it.', command: RESTART_COMMAND, background: 'statusBarItem.errorBackground' };
  }
  if (state === State.Starting) return { text: '$(sync~spin) Slim', label: 'Dockerfile Slim: the language server is starting. Click to show the log.', command: SHOW_LOG_COMMAND };
  const count = dockerfile ? findingCount(dockerfile) : 0;
  const findings = `${count} ${count === 1 ? 'finding' : 'findings'}`;
  return { text: count ? `$(layers) Slim: ${count}` : '$(pass) Slim', label: `Dockerfile Slim: ${findings} in this Dockerfile. Click to show the log.`, command: SHOW_LOG_COMMAND };
}

function findingCount(uri: vscode.Uri): number {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE).length;
}

function activeDockerfile(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document?.languageId === 'dockerfile' ? document.uri : undefined;
}
