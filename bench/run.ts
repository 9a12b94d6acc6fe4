// Benchmark (a table, not a test): our analysis against dockerfile-utils' validate and
// dockerfilelint on typical, large and huge Dockerfiles, full analysis of a Go project
// (50 RUN lines, 200-file build context) cold and warm, then keystroke → diagnostics
// latency of the language server over stdio. Run with `npm run bench`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { validate } from 'dockerfile-utils';
import { run as dockerfilelint } from 'dockerfilelint';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { analyze } from '../server/src/analyze';
import { memoryContext, type BuildContext } from '../server/src/context/build-context';
import { documentDiagnostics } from '../server/src/diagnostics';
import { extractFacts } from '../server/src/facts/extract';
import { parseDockerfile } from '../server/src/parse/dockerfile';
import { loadGrammars } from '../server/src/parse/grammars';
import { RULES } from '../server/src/rules';
import { readSuppressions } from '../server/src/suppressions';
import { Random, realisticDockerfile } from '../test/support/generate';
import { freshCopy, goProject, type GoProject } from './go-project';

const ROOT = path.join(__dirname, '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const INPUTS = [
  { label: 'typical', text: realisticDockerfile(40, 1) },
  { label: 'large', text: realisticDockerfile(300, 2) },
  { label: 'huge', text: realisticDockerfile(5000, 3) },
];
const KEYSTROKES = 200;
const TARGET_RATIO = 1.5;
const TARGET_KEYSTROKE_P95_MS = 30;
const TARGET_WARM_GO_P95_MS = 20;

interface Timing {
  median: number;
  p95: number;
  samples: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarise(samples: number[]): Timing & { max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1], samples: sorted.length };
}

interface Budget {
  /** Sample for at least this long and this many runs… */
  ms: number;
  runs: number;
  /** …unless runs are slow: then stop after this long with at least `fewestRuns`. */
  maxMs: number;
  fewestRuns: number;
}

const CELL: Budget = { ms: 1000, runs: 50, maxMs: 3000, fewestRuns: 15 };
const PART: Budget = { ms: 200, runs: 10, maxMs: 600, fewestRuns: 5 };

/** Warm up (≥5 runs, ≥200 ms), then time runs one by one within the budget. */
function measure(fn: () => unknown, budget = CELL): Timing {
  return measureTogether([fn], budget)[0];
}

/**
 * Times several functions in interleaved rounds (A B C, B C A, …) so that load from
 * other processes and GC falls on all of them alike: their ratios stay fair on a busy machine.
 */
function measureTogether(fns: readonly (() => unknown)[], budget = CELL): Timing[] {
  const warmupEnd = performance.now() + 200;
  for (let i = 0; i < 5 || performance.now() < warmupEnd; i++) fns.forEach((fn) => fn());
  const samples: number[][] = fns.map(() => []);
  const started = performance.now();
  for (let round = 0; ; round++) {
    for (let k = 0; k < fns.length; k++) {
      const which = (round + k) % fns.length;
      const t0 = performance.now();
      fns[which]();
      samples[which].push(performance.now() - t0);
    }
    const elapsed = performance.now() - started;
    const runs = round + 1;
    if ((elapsed >= budget.ms * fns.length && runs >= budget.runs) || (elapsed >= budget.maxMs * fns.length && runs >= budget.fewestRuns)) break;
  }
  return samples.map(summarise);
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const cell = (t: Timing) => `${ms(t.median)} / ${ms(t.p95)}`;

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

// ---------------------------------------------------------------------------
// Throughput

interface Row {
  label: string;
  lines: number;
  ours: Timing;
  oursCold: Timing;
  utils: Timing;
  lint: Timing;
  oursWithBase: Timing;
  counts: string;
}

function throughput(): Row[] {
  // dockerfilelint reads `.dockerfilelintrc` from this folder on every run; bench/ has none.
  const lintConfigDir = __dirname;
  return INPUTS.map(({ label, text }) => {
    const analysis = analyze(text);
    if (analysis.errors.length > 0) console.warn(`warning: rules threw on the ${label} input: ${analysis.errors.map((e) => e.code).join(', ')}`);
    const counts = `${analysis.findings.length} / ${validate(text).length} / ${dockerfilelint(lintConfigDir, text).length}`;
    const [ours, utils, lint, oursWithBase] = measureTogether([
      () => analyze(text),
      () => validate(text),
      () => dockerfilelint(lintConfigDir, text),
      () => documentDiagnostics(text, { rules: {}, target: undefined }, true),
    ]);
    return {
      label,
      lines: lineCount(text),
      ours,
      oursCold: measureCold(text),
      utils,
      lint,
      oursWithBase,
      counts,
    };
  });
}

/**
 * analyze() when no RUN text was seen before (opening a file): the shell-parse cache
 * in facts/builds/ cannot help. Each run gets every RUN changed by a unique prefix.
 */
function measureCold(text: string): Timing {
  const runs = lineCount(text) > 1000 ? 8 : 30;
  const samples: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const fresh = text.replace(/^RUN /gm, `RUN : cold-${i}-${Math.random()} && `);
    const t0 = performance.now();
    analyze(fresh);
    if (i >= 2) samples.push(performance.now() - t0);
  }
  return summarise(samples);
}

/** Where our analysis spends its time: parse, facts, suppressions, each rule (with the build context, if any). */
function breakdown(text: string, context?: BuildContext): Map<string, Timing> {
  const doc = parseDockerfile(text);
  const facts = extractFacts(doc, { context });
  const parts = new Map<string, Timing>([
    ['parse (dockerfile-ast + lines)', measure(() => parseDockerfile(text), PART)],
    ['facts: extractFacts (stages, copy links, build commands)', measure(() => extractFacts(doc, { context }), PART)],
    ['suppressions', measure(() => readSuppressions(doc), PART)],
  ]);
  for (const rule of RULES) parts.set(`${rule.meta.code} ${rule.meta.name}`, measure(() => safely(() => rule.check(facts)), PART));
  parts.set('analyze() total', measure(() => analyze(text, { context }), PART));
  return parts;
}

function safely(fn: () => unknown): unknown {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// A Go project: full analysis with its build context, cold and warm

interface GoProjectRow {
  label: string;
  timing: Timing;
}

interface GoProjectResult {
  rows: GoProjectRow[];
  warmDockerfileEdit: Timing;
  /** What the analysis saw, to show the input exercises it. */
  seen: string;
}

/**
 * Times `prepare(i)()` for i = 0, 1, …: prepare runs untimed (making fresh texts),
 * the function it returns is timed. The first `warmup` runs are not recorded.
 */
function sampleRuns(prepare: (i: number) => () => unknown, budget: Budget, warmup = 5): Timing {
  const samples: number[] = [];
  let spent = 0;
  for (let i = 0; ; i++) {
    const run = prepare(i);
    const t0 = performance.now();
    run();
    const elapsed = performance.now() - t0;
    if (i < warmup) continue;
    samples.push(elapsed);
    spent += elapsed;
    if ((spent >= budget.ms && samples.length >= budget.runs) || (spent >= budget.maxMs && samples.length >= budget.fewestRuns)) break;
  }
  return summarise(samples);
}

/** One-character insertions into `pick()`'s text, each different from all before. */
function distinctEdits(random: Random, pick: () => { key: string; text: string; from: number }): () => { key: string; text: string } {
  const seen = new Set<string>();
  return () => {
    for (;;) {
      const { key, text, from } = pick();
      const at = from + random.int(text.length - from + 1);
      const letter = String.fromCharCode(97 + random.int(26));
      const id = `${key}:${at}:${letter}`;
      if (seen.has(id)) continue;
      seen.add(id);
      return { key, text: text.slice(0, at) + letter + text.slice(at) };
    }
  }
}

function goProjectBench(): GoProjectResult {
  const project = goProject();
  const context = memoryContext(project.files);
  const first = analyze(project.dockerfile, { context });
  if (first.errors.length > 0) console.warn(`warning: rules threw on the Go project: ${first.errors.map((e) => e.code).join(', ')}`);
  const codes = [...new Set(first.findings.map((finding) => finding.code))].sort();
  const seen =
    `${first.facts.builds.length} build commands, ${first.facts.artifacts.length} artifacts in the target, ` +
    `${first.findings.length} findings${codes.length ? ` (${codes.join(', ')})` : ''}`;

  const random = new Random(2026);
  const lines = project.dockerfile.split('\n');
  const runLines = lines.flatMap((line, index) => (line.startsWith('RUN ') ? [index] : []));
  const dockerfileEdit = distinctEdits(random, () => {
    const line = random.pick(runLines);
    return { key: String(line), text: lines[line], from: 4 };
  });
  const goFiles = Object.keys(project.files).filter((file) => file.endsWith('.go'));
  const goEdit = distinctEdits(random, () => {
    const file = random.pick(goFiles);
    return { key: file, text: project.files[file], from: 0 };
  });
  const makefileEdit = distinctEdits(random, () => ({ key: 'Makefile', text: project.files.Makefile, from: 0 }));

  const coldBudget: Budget = { ms: 3000, runs: 10, maxMs: 6000, fewestRuns: 5 };
  const cold = sampleRuns((i) => {
    const fresh: GoProject = freshCopy(project, `cold-${i}-${Math.random()}`);
    const freshContext = memoryContext(fresh.files);
    return () => analyze(fresh.dockerfile, { context: freshContext });
  }, coldBudget, 2);
  const warmDockerfileEdit = sampleRuns(() => {
    const edit = dockerfileEdit();
    const edited = lines.map((line, index) => (String(index) === edit.key ? edit.text : line)).join('\n');
    return () => analyze(edited, { context });
  }, CELL);
  const withEditedFile = (edit: { key: string; text: string }): BuildContext => memoryContext({ ...project.files, [edit.key]: edit.text });
  const warmGoEdit = sampleRuns(() => {
    const edited = withEditedFile(goEdit());
    return () => analyze(project.dockerfile, { context: edited });
  }, CELL);
  const warmMakefileEdit = sampleRuns(() => {
    const edited = withEditedFile(makefileEdit());
    return () => analyze(project.dockerfile, { context: edited });
  }, CELL);
  return {
    rows: [
      { label: 'cold: nothing cached (every RUN, source and Makefile text new)', timing: cold },
      { label: 'warm: after a one-character edit of a RUN line in the Dockerfile', timing: warmDockerfileEdit },
      { label: 'warm: after a one-character edit of one Go file', timing: warmGoEdit },
      { label: 'warm: after a one-character edit of the Makefile', timing: warmMakefileEdit },
    ],
    warmDockerfileEdit,
    seen,
  };
}

// ---------------------------------------------------------------------------
// Keystroke → diagnostics over stdio

interface Latency {
  label: string;
  lines: number;
  edits: number;
  timing: (Timing & { max: number }) | undefined;
  note: string;
}

class LspSession {
  readonly published: PublishDiagnosticsParams[] = [];
  private waiters: { match: (p: PublishDiagnosticsParams) => boolean; resolve: () => void }[] = [];
  stderr = '';

  constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      this.waiters = this.waiters.filter((waiter) => !(waiter.match(params) && (waiter.resolve(), true)));
    });
    // Answer what the server asks: settings (base validation on: the slower case), registrations, progress.
    connection.onRequest('workspace/configuration', (params: { items?: { section?: string }[] }) =>
      (params.items ?? []).map((item) => (item.section === 'dockerfileSlim' ? { baseValidation: 'on' } : null)),
    );
    for (const method of ['client/registerCapability', 'client/unregisterCapability', 'window/workDoneProgress/create', 'window/showDocument', 'workspace/applyEdit']) {
      connection.onRequest(method, () => null);
    }
  }

  waitFor(match: (p: PublishDiagnosticsParams) => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push({ match, resolve: done });
    });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);
}

async function startServer(): Promise<{ session: LspSession; sync: TextDocumentSyncKind } | string> {
  if (!existsSync(SERVER)) return 'dist/server.js does not exist (run `npm run build`)';
  const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const session = new LspSession(child, connection);
  connection.listen();
  const exited = new Promise<string>((resolve) => child.on('exit', (code) => resolve(`dist/server.js exited with code ${code} before answering initialize`)));
  try {
    const result = await Promise.race([
      withTimeout(
        connection.sendRequest(InitializeRequest.type, {
          processId: process.pid,
          rootUri: null,
          workspaceFolders: null,
          capabilities: {
            textDocument: { publishDiagnostics: { versionSupport: true, relatedInformation: true }, synchronization: { didSave: true } },
            workspace: { configuration: true },
          },
        }),
        5000,
        'initialize',
      ),
      exited.then((reason) => Promise.reject(new Error(reason))),
    ]);
    connection.sendNotification(InitializedNotification.type, {});
    const sync = result.capabilities.textDocumentSync;
    const kind = typeof sync === 'number' ? sync : (sync?.change ?? TextDocumentSyncKind.None);
    if (kind === TextDocumentSyncKind.None) {
      await stopServer(session);
      return 'the server does not accept document changes (textDocumentSync is None)';
    }
    return { session, sync: kind };
  } catch (error) {
    await stopServer(session);
    const stderr = session.stderr.trim().split('\n').slice(-3).join(' | ');
    return `${(error as Error).message}${stderr ? ` (stderr: ${stderr})` : ''}`;
  }
}

/** Shuts the server down politely, kills it after 1 s, resolves once it is gone. */
function stopServer(session: LspSession): Promise<void> {
  const { child, connection } = session;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const kill = setTimeout(() => child.kill('SIGKILL'), 1000);
  try {
    connection
      .sendRequest(ShutdownRequest.type)
      .then(() => connection.sendNotification(ExitNotification.type))
      .catch(() => child.kill('SIGKILL'));
  } catch {
    // The connection closed already: just make sure the process is gone.
    child.kill('SIGKILL');
  }
  return gone.finally(() => clearTimeout(kill));
}

/** Offset of (line, character) in text with \n line ends (our generated inputs). */
function offsetOf(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + character;
}

async function keystrokes(session: LspSession, sync: TextDocumentSyncKind, label: string, original: string, dir: string): Promise<Latency> {
  // A real file in a folder of its own, in case the server looks for a config beside it.
  const file = path.join(dir, label, 'Dockerfile');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, original);
  const uri = pathToFileURL(file).href;
  const lines = lineCount(original);
  let version = 1;
  session.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version, text: original } });
  const opened = await session.waitFor((p) => p.uri === uri, 10000);
  if (!opened) return { label, lines, edits: 0, timing: undefined, note: 'no diagnostics published after didOpen within 10 s' };
  const versioned = session.published.some((p) => p.uri === uri && p.version === 1);

  const random = new Random(lines);
  const textLines = original.split('\n');
  let text = original;
  let inserted: { line: number; character: number } | undefined;
  const samples: number[] = [];
  let timeouts = 0;
  for (let i = 0; i < KEYSTROKES; i++) {
    let change: TextDocumentContentChangeEvent;
    if (!inserted) {
      const line = random.int(lines);
      const character = random.int(textLines[line].length + 1);
      inserted = { line, character };
      change = { range: { start: inserted, end: inserted }, text: 'x' };
      const offset = offsetOf(text, line, character);
      text = text.slice(0, offset) + 'x' + text.slice(offset);
    } else {
      change = { range: { start: inserted, end: { line: inserted.line, character: inserted.character + 1 } }, text: '' };
      const offset = offsetOf(text, inserted.line, inserted.character);
      text = text.slice(0, offset) + text.slice(offset + 1);
      inserted = undefined;
    }
    version++;
    const expected = version;
    const seen = session.published.length;
    const arrived = session.waitFor((p) => p.uri === uri && (versioned ? p.version === expected : session.published.length > seen), 3000);
    const t0 = performance.now();
    session.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: sync === TextDocumentSyncKind.Incremental ? [change] : [{ text }],
    });
    if (await arrived) samples.push(performance.now() - t0);
    else timeouts++;
  }
  const notes = [versioned ? '' : 'publishDiagnostics has no version: timed to the next publish', timeouts ? `${timeouts} edits got no diagnostics within 3 s` : '', sync === TextDocumentSyncKind.Incremental ? '' : 'full-text sync'];
  return { label, lines, edits: samples.length, timing: samples.length ? summarise(samples) : undefined, note: notes.filter(Boolean).join('; ') };
}

async function latency(): Promise<Latency[] | string> {
  const started = await startServer();
  if (typeof started === 'string') return started;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slim-bench-'));
  try {
    const results: Latency[] = [];
    for (const input of INPUTS.slice(0, 2)) results.push(await keystrokes(started.session, started.sync, input.label, input.text, dir));
    return results;
  } finally {
    await stopServer(started.session);
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Report

function machine(): string {
  const cpus = os.cpus();
  // The load average tells whether other work shared the cores during the run.
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${os.loadavg()[0].toFixed(1)}`;
}

async function main(): Promise<void> {
  await loadGrammars(['bash', 'go', 'c', 'make']);
  const rows = throughput();
  const large = INPUTS[1];
  const goInput = goProject();
  const breakdowns = [
    ...INPUTS.slice(1).map((input) => ({ label: `${input.label} (${lineCount(input.text)} lines)`, parts: breakdown(input.text) })),
    { label: `Go project (${lineCount(goInput.dockerfile)} lines + ${Object.keys(goInput.files).length}-file context)`, parts: breakdown(goInput.dockerfile, memoryContext(goInput.files)) },
  ];
  const go = goProjectBench();
  const latencies = await latency();

  const out: string[] = [];
  out.push('## Dockerfile Slim benchmark', '');
  out.push('Milliseconds per run, median / p95. "ours + base validation" is the server\'s `documentDiagnostics` with `baseValidation` on (analyze + dockerfile-language-service validate).', '');
  out.push('| input | lines | ours: analyze() | ours, first analysis (no cached RUN) | dockerfile-utils validate() | dockerfilelint | ours + base validation | ours / dockerfile-utils | findings (ours / utils / dockerfilelint) |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) {
    out.push(`| ${row.label} | ${row.lines} | ${cell(row.ours)} | ${cell(row.oursCold)} | ${cell(row.utils)} | ${cell(row.lint)} | ${cell(row.oursWithBase)} | ${(row.ours.median / row.utils.median).toFixed(2)}× | ${row.counts} |`);
  }
  out.push('', 'Where analyze() spends its time, median / p95 ms (rules timed on one shared Facts):', '');
  out.push(`| part | ${breakdowns.map(({ label }) => label).join(' | ')} |`, `|---|${breakdowns.map(() => '---:').join('|')}|`);
  for (const part of breakdowns[0].parts.keys()) out.push(`| ${part} | ${breakdowns.map(({ parts }) => cell(parts.get(part)!)).join(' | ')} |`);
  out.push(
    '',
    `Go project: a Dockerfile of ${lineCount(goInput.dockerfile)} lines with 50 RUN lines (go build, make, a build script) over a ${Object.keys(goInput.files).length}-file build context ` +
      '(go.mod, a Makefile with LDFLAGS, a build script, 20 commands, 59 packages that import each other and net/http), generated in memory. ' +
      `Full analyze() with the context (all rules), milliseconds per run; the analysis saw ${go.seen}:`,
    '',
  );
  out.push('| case | runs | median ms | p95 ms |', '|---|---:|---:|---:|');
  for (const row of go.rows) out.push(`| ${row.label} | ${row.timing.samples} | ${ms(row.timing.median)} | ${ms(row.timing.p95)} |`);
  out.push('', 'Keystroke → diagnostics over stdio (`node dist/server.js --stdio`, one-character incremental didChange, insert and delete alternately):', '');
  let keystrokeP95: number | undefined;
  if (typeof latencies === 'string') {
    out.push(`Skipped: ${latencies}.`);
  } else {
    out.push('| document | lines | edits timed | p50 ms | p95 ms | max ms | note |', '|---|---:|---:|---:|---:|---:|---|');
    for (const l of latencies) {
      const t = l.timing;
      out.push(`| ${l.label} | ${l.lines} | ${l.edits} | ${t ? ms(t.median) : '–'} | ${t ? ms(t.p95) : '–'} | ${t ? ms(t.max) : '–'} | ${l.note} |`);
      if (t) keystrokeP95 = Math.max(keystrokeP95 ?? 0, t.p95);
      else keystrokeP95 = Infinity;
    }
  }
  const largeRow = rows.find((row) => row.label === 'large')!;
  const ratio = largeRow.ours.median / largeRow.utils.median;
  out.push('', `Machine: ${machine()}`, '');
  out.push(`- Target: on the ~${lineCount(large.text)}-line file, ours ≤ ${TARGET_RATIO}× dockerfile-utils validate: ${ratio.toFixed(2)}× (${ms(largeRow.ours.median)} ms vs ${ms(largeRow.utils.median)} ms) — ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`);
  out.push(
    `- Target: keystroke → diagnostics p95 < ${TARGET_KEYSTROKE_P95_MS} ms: ` +
      (keystrokeP95 === undefined ? 'not measured (see above)' : `${Number.isFinite(keystrokeP95) ? ms(keystrokeP95) + ' ms' : 'no diagnostics'} — ${keystrokeP95 < TARGET_KEYSTROKE_P95_MS ? 'met' : 'NOT met'}`),
  );
  const warm = go.warmDockerfileEdit;
  out.push(
    `- Target: warm re-analysis of the Go project (one-character Dockerfile edit) under ${TARGET_WARM_GO_P95_MS} ms at p95: ` +
      `${ms(warm.p95)} ms (median ${ms(warm.median)} ms) — ${warm.p95 < TARGET_WARM_GO_P95_MS ? 'met' : 'NOT met'}`,
  );
  console.log(out.join('\n'));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
