// "Dockerfile Slim: Slim this image": the server proposes the slimmed Dockerfile; it is
// shown as a diff and applied as one undoable edit on accept. Then, in a trusted
// workspace with an engine, the original and the result are built in the panel (sizes
// before and after), and, when the user enabled it, the result is started once.
import path from 'node:path';
import * as vscode from 'vscode';
import { SLIM_REQUEST, type SlimParams, type SlimResponse } from '../../../server/src/shared/protocol';
import type { Ctx } from '../ctx';
import { describeProof, proveRun } from '../engine/run';
import { canRunEngine, currentEngine } from '../engine/vscode';
import type { ImagePanel } from '../panel/provider';
import { sizeChange } from '../panel/view';

const PROPOSAL_SCHEME = 'dockerfile-slim-proposal';
const SECTION = 'dockerfileSlim';

export function activate(ctx: Ctx, panel: ImagePanel): void {
  const proposals = new Proposals();
  ctx.extension.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, proposals),
    vscode.commands.registerCommand('dockerfileSlim.slimImage', async (uri?: vscode.Uri) => {
      const document = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : panel.currentDockerfile();
      if (!document) return void vscode.window.showInformationMessage('Open a Dockerfile to slim it.');
      await slimImage(ctx, panel, proposals, document);
    }),
  );
}

/** The proposed texts, shown read-only on the right of the diff. */
class Proposals implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  show(original: vscode.Uri, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: original.path, query: original.toString() });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

async function slimImage(ctx: Ctx, panel: ImagePanel, proposals: Proposals, document: vscode.TextDocument): Promise<void> {
  const name = path.basename(document.uri.fsPath || document.uri.path);
  const config = vscode.workspace.getConfiguration(SECTION, document.uri);
  const params: SlimParams = { uri: document.uri.toString(), runtime: config.get<SlimParams['runtime']>('slim.runtime') ?? 'auto' };
  const version = document.version;
  const original = document.getText();
  const result = await ctx.request<SlimResponse>(SLIM_REQUEST, params);
  if (!result) return void vscode.window.showErrorMessage('Dockerfile Slim: the language server is not running; restart it ("Dockerfile Slim: Restart Language Server").');
  if (result.kind === 'refused') {
    await vscode.window.showWarningMessage(`Dockerfile Slim cannot slim ${name} safely, so nothing was changed.`, { modal: true, detail: result.reasons.join('\n\n') });
    return;
  }
  if (result.kind === 'unchanged') return void vscode.window.showInformationMessage(`${name}: ${result.reason}`);

  const proposal = proposals.show(document.uri, result.text);
  await vscode.commands.executeCommand('vscode.diff', document.uri, proposal, `${name} ↔ slimmed (proposed, runtime ${result.runtimeBase})`, { preview: true });
  const others = result.otherFiles.map((file) => vscode.workspace.asRelativePath(vscode.Uri.parse(file.uri)));
  const summary = `${result.changes.length} change${result.changes.length === 1 ? '' : 's'}${others.length ? `, also in ${others.join(', ')}` : ''}`;
  const choice = await vscode.window.showInformationMessage(`Slim ${name} into a runtime image on ${result.runtimeBase} (${summary})?`, 'Apply', 'Discard');
  await closeDiff(proposal);
  if (choice !== 'Apply') return;
  if (document.version !== version) return void vscode.window.showWarningMessage(`${name} changed while the proposal was open; run "Slim this image" again.`);
  for (const line of [...result.changes, ...result.remaining.map((problem) => `still to solve: ${problem}`)]) ctx.log.info(`Slim ${name}: ${line}`);
  const edited = await applyAll(document, result);
  if (!edited) return void vscode.window.showErrorMessage(`Dockerfile Slim could not apply the slimmed ${name}; nothing was changed.`);
  await proveSmaller(ctx, panel, document, original, edited);
}

/** One WorkspaceEdit: one undo step in each file. Returns the other documents it changed. */
async function applyAll(document: vscode.TextDocument, result: Extract<SlimResponse, { kind: 'slimmed' }>): Promise<vscode.TextDocument[] | undefined> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, wholeRange(document), result.text);
  const others: vscode.TextDocument[] = [];
  for (const file of result.otherFiles) {
    const other = await vscode.workspace.openTextDocument(vscode.Uri.parse(file.uri));
    edit.replace(other.uri, wholeRange(other), file.text);
    others.push(other);
  }
  return (await vscode.workspace.applyEdit(edit)) ? others : undefined;
}

/** Builds the original (from its text, files on disk still as they were) and the result; shows both sizes. */
async function proveSmaller(ctx: Ctx, panel: ImagePanel, document: vscode.TextDocument, original: string, others: vscode.TextDocument[]): Promise<void> {
  const permission = canRunEngine();
  if (!permission.ok) return void vscode.window.showInformationMessage(`Slimmed. ${permission.reason}`);
  await panel.reveal(document);
  const before = await panel.build(document, { mark: 'before', earlierText: original });
  for (const other of others) await other.save();
  const after = await panel.build(document, { mark: 'after' });
  if (!before || !after) return void vscode.window.showWarningMessage('Slimmed, but a build failed: the Image panel says why.');
  const comparison = { before: before.size, after: after.size };
  panel.compare(document, comparison);
  const config = vscode.workspace.getConfiguration(SECTION, document.uri);
  if (!config.get<boolean>('slim.runAfterBuild')) return void vscode.window.showInformationMessage(`Slimmed: ${sizeChange(before.size, after.size)} (see the Image panel).`);
  const proof = await proveRun(await currentEngine(document.uri), after.imageId);
  const text = describeProof(proof);
  ctx.log.info(`${text}\n${proof.output}`);
  panel.compare(document, { ...comparison, proof: { text, ok: proof.outcome !== 'failed' } });
  if (proof.outcome === 'failed') void vscode.window.showErrorMessage(text);
  else void vscode.window.showInformationMessage(`Slimmed: ${sizeChange(before.size, after.size)}. ${text}`);
}

function wholeRange(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(new vscode.Position(0, 0), document.lineAt(document.lineCount - 1).range.end);
}

async function closeDiff(proposal: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposal.toString());
  if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
}
