// Fuzz: thousands of generated and mutated Dockerfiles through analysis and fixes.
// Whatever the input, analysis must not throw, ranges must lie inside the document,
// fixes must apply cleanly, be idempotent, and ignore comments must silence.
//
//   FUZZ_SEED=N    reproduce a run (the seed is printed and in every failure)
//   FUZZ_COUNT=N   documents per run (default 2000: half generated, half mutated)
//   FUZZ_ONLY=I    check only document #I of the run (with its FUZZ_SEED)
//   FUZZ_BUDGET_S  safety net on a slow machine: stop after this many seconds (default 120)
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { analyze, type Analysis, type AnalyzedFinding } from '../../server/src/analyze';
import { fixAllAction, quickFixes, type ActionTarget } from '../../server/src/codeActions';
import { documentDiagnostics } from '../../server/src/diagnostics';
import { applyEdits, fixAll, minimalEdit, preferredFix } from '../../server/src/fixes';
import { initShellParser } from '../../server/src/parse/shell';
import type { FileEdit, Fix, Range } from '../../server/src/rules/types';
import { Random, documentSeed, generateDockerfile, mutateDockerfile } from '../support/generate';

const ROOT = path.join(__dirname, '..', '..');
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : Math.floor(Math.random() * 2 ** 31);
const COUNT = process.env.FUZZ_COUNT ? Number(process.env.FUZZ_COUNT) : 2000;
const ONLY = process.env.FUZZ_ONLY === undefined ? undefined : Number(process.env.FUZZ_ONLY);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_S ?? 120) * 1000;
const MAX_PASSES = 10;
/** Kinds of failure shown in full (one example each); all are counted (one bug usually fails many documents). */
const SHOWN_FAILURES = 8;
/** Fixes and ignores re-analysed per document: enough coverage, bounded time. */
const CHECKS_PER_DOCUMENT = 1;

console.log(`fuzz seed: ${SEED}`);

before(() => initShellParser());

/** Fixture and example Dockerfiles: the seeds for mutation. */
function corpus(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) walk(file);
      else if (/(^|\.)(Dockerfile|Containerfile)(\.|$)/i.test(entry)) files.push(file);
    }
  };
  walk(path.join(ROOT, 'test', 'fixtures', 'rules'));
  walk(path.join(ROOT, 'examples'));
  return files.sort().map((file) => readFileSync(file, 'utf8'));
}

interface Sample {
  index: number;
  kind: 'generated' | 'mutated';
  text: string;
}

function sampleAt(index: number, seeds: readonly string[]): Sample {
  const random = new Random(documentSeed(SEED, index));
  if (index % 2 === 0) return { index, kind: 'generated', text: generateDockerfile(random) };
  const base = seeds.length > 0 ? random.pick(seeds) : generateDockerfile(random);
  return { index, kind: 'mutated', text: mutateDockerfile(random, base, seeds) };
}

class FuzzFailure extends Error {}

/** A failure's first line without positions and numbers: groups failures by cause. */
function kindOf(message: string): string {
  return message.split('\n')[0].replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"').slice(0, 160);
}

/** Mutated documents depend on the fixture files too: a fingerprint tells whether a rerun sees the same ones. */
let corpusFingerprint = '';

function fingerprint(texts: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const text of texts) for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${texts.length} files, ${hash.toString(16).padStart(8, '0')}`;
}

function context(sample: Sample): string {
  const shown = sample.text.length > 4000 ? sample.text.slice(0, 4000) + '…(truncated)' : sample.text;
  const corpusNote = sample.kind === 'mutated' ? ` with the same fixtures (${corpusFingerprint})` : '';
  return `[fuzz seed ${SEED}, document #${sample.index} (${sample.kind}); reproduce: FUZZ_SEED=${SEED} FUZZ_ONLY=${sample.index}${corpusNote}]\n--- document (JSON string) ---\n${JSON.stringify(shown)}`;
}

function check(condition: unknown, sample: Sample, what: () => string): asserts condition {
  if (!condition) throw new FuzzFailure(`${what()}\n${context(sample)}`);
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** LSP lines: \r\n, \r and \n all end a line (as editors and dockerfile-ast count them). */
function lspLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function showRange(range: Range): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}

function insideDocument(lines: readonly string[], range: Range): boolean {
  const { start, end } = range;
  const valid = (p: Range['start']) => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0 && p.line < lines.length && p.character <= lines[p.line].length;
  const ordered = start.line < end.line || (start.line === end.line && start.character <= end.character);
  return valid(start) && valid(end) && ordered;
}

function compare(a: Range['start'], b: Range['start']): number {
  return a.line - b.line || a.character - b.character;
}

/** Overlap of two ranges; an insertion may touch a range's end or start. */
function overlapping(a: Range, b: Range): boolean {
  return compare(a.start, b.end) < 0 && compare(b.start, a.end) < 0;
}

function dockerfileEdits(fix: Fix): FileEdit[] {
  return fix.edits.filter((edit) => edit.path === undefined);
}

function safeAnalyze(text: string, sample: Sample, step: string): Analysis {
  let analysis: Analysis | undefined;
  try {
    analysis = analyze(text);
  } catch (error) {
    check(false, sample, () => `${step}: analyze threw: ${describeError(error)}`);
  }
  check(analysis.errors.length === 0, sample, () => {
    const [first] = analysis!.errors;
    const headline = first.error instanceof Error ? first.error.message : String(first.error);
    return `${step}: ${first.code} threw ${headline}\n${analysis!.errors.map((e) => `${e.code}: ${describeError(e.error)}`).join('\n')}`;
  });
  return analysis;
}

function checkRanges(text: string, findings: readonly AnalyzedFinding[], sample: Sample): void {
  const lines = lspLines(text);
  for (const finding of findings) {
    const label = `${finding.code} at ${showRange(finding.range)}`;
    check(insideDocument(lines, finding.range), sample, () => `${label}: range outside the document (${lines.length} lines) or reversed`);
    check(insideDocument(lines, finding.ignore.range), sample, () => `${label}: ignore edit range ${showRange(finding.ignore.range)} outside the document`);
    for (const fix of finding.fixes) {
      const edits = dockerfileEdits(fix);
      for (const edit of edits) {
        check(insideDocument(lines, edit.range), sample, () => `${label}: fix "${fix.title}" edit ${showRange(edit.range)} outside the document`);
      }
      for (let i = 0; i < edits.length; i++) {
        for (let j = i + 1; j < edits.length; j++) {
          check(!overlapping(edits[i].range, edits[j].range), sample, () => `${label}: fix "${fix.title}" has overlapping edits ${showRange(edits[i].range)} and ${showRange(edits[j].range)}`);
        }
      }
      try {
        applyEdits(text, edits);
      } catch (error) {
        check(false, sample, () => `${label}: fix "${fix.title}" does not apply: ${describeError(error)}`);
      }
    }
  }
}

function sameFix(finding: AnalyzedFinding, code: string, fix: Fix): boolean {
  const key = JSON.stringify(dockerfileEdits(fix));
  return finding.code === code && finding.fixes.some((other) => other.title === fix.title && JSON.stringify(dockerfileEdits(other)) === key);
}

/** Up to `count` items, chosen by the document's own PRNG (so reproducible). */
function some<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (pool.length > 0 && chosen.length < count) chosen.push(pool.splice(random.int(pool.length), 1)[0]);
  return chosen;
}

function checkPreferredFixes(text: string, findings: readonly AnalyzedFinding[], sample: Sample, random: Random): void {
  const fixable = findings.filter((finding) => {
    const fix = preferredFix(finding);
    return fix && fix.edits.length > 0 && fix.edits.every((edit) => edit.path === undefined);
  });
  for (const finding of some(random, fixable, CHECKS_PER_DOCUMENT)) {
    const fix = preferredFix(finding)!;
    const label = `${finding.code} at ${showRange(finding.range)}, preferred fix "${fix.title}"`;
    const fixed = applyEdits(text, fix.edits);
    const after = safeAnalyze(fixed, sample, `after ${label}`);
    const again = after.findings.find((other) => sameFix(other, finding.code, fix));
    check(!again, sample, () => `${label}: offered again at the same place after applying it\n--- after the fix (JSON) ---\n${JSON.stringify(fixed)}`);
  }
}

/** fixAll settles and is idempotent; returns its result. */
function checkFixAll(text: string, sample: Sample): string {
  let first: { text: string; passes: number } | undefined;
  let second: { text: string; passes: number } | undefined;
  try {
    first = fixAll(text, {}, MAX_PASSES);
    // Unchanged text: the second run would repeat the first.
    second = first.text === text ? first : fixAll(first.text, {}, MAX_PASSES);
  } catch (error) {
    check(false, sample, () => `fixAll threw: ${describeError(error)}`);
  }
  check(first.passes < MAX_PASSES, sample, () => `fixAll did not settle within ${MAX_PASSES} passes\n--- after fixAll (JSON) ---\n${JSON.stringify(first!.text)}`);
  check(second.text === first.text, sample, () => `fixAll is not idempotent: a second run changed the text\n--- first fixAll (JSON) ---\n${JSON.stringify(first!.text)}\n--- second fixAll (JSON) ---\n${JSON.stringify(second!.text)}`);
  return first.text;
}

/** The lines of the instruction that holds `line`, or just that line. */
function instructionLines(analysis: Analysis, line: number): { start: number; end: number } {
  for (const instruction of analysis.facts.doc.ast.getInstructions()) {
    const { start, end } = instruction.getRange();
    if (start.line <= line && line <= end.line) return { start: start.line, end: end.line };
  }
  return { start: line, end: line };
}

function checkIgnores(text: string, analysis: Analysis, sample: Sample, random: Random): void {
  for (const finding of some(random, analysis.findings, CHECKS_PER_DOCUMENT)) {
    const label = `${finding.code} at ${showRange(finding.range)}`;
    const ignored = applyEdits(text, [finding.ignore]);
    const after = safeAnalyze(ignored, sample, `after the ignore edit of ${label}`);
    const shift = finding.ignore.newText.split('\n').length - 1;
    const lines = instructionLines(analysis, finding.range.start.line);
    const still = after.findings.find((other) => other.code === finding.code && other.range.start.line >= lines.start + shift && other.range.start.line <= lines.end + shift);
    check(!still, sample, () => `${label}: still reported (at ${showRange(still!.range)}) after its ignore edit\nignore edit: ${JSON.stringify(finding.ignore)}\n--- after the ignore (JSON) ---\n${JSON.stringify(ignored)}`);
  }
}

const TARGET: ActionTarget = { uri: 'file:///fuzz/Dockerfile', version: 1, documentChanges: false };

function editsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  return edit?.changes?.[uri] ?? [];
}

/**
 * What the server does with a document: diagnostics (SLIM + base validation), the
 * quick fixes for all of them, and the fix-all action. Returns base-validation failures
 * (dockerfile-utils throwing: the server logs it; counted, not a failure of ours).
 */
function checkServerPieces(text: string, fixed: string, sample: Sample, random: Random): number {
  const lines = lspLines(text);
  let result: ReturnType<typeof documentDiagnostics> | undefined;
  try {
    result = documentDiagnostics(text, { rules: {}, target: undefined }, true);
  } catch (error) {
    check(false, sample, () => `documentDiagnostics threw: ${describeError(error)}`);
  }
  const ours = result.errors.filter((error) => !error.startsWith('dockerfile-utils validation failed'));
  check(ours.length === 0, sample, () => `documentDiagnostics reported errors:\n${ours.join('\n')}`);
  for (const diagnostic of result.diagnostics) {
    check(insideDocument(lines, diagnostic.range), sample, () => `diagnostic ${diagnostic.source} ${String(diagnostic.code)} range ${showRange(diagnostic.range)} outside the document`);
  }
  try {
    for (const action of quickFixes(TARGET, text, result.diagnostics)) {
      for (const edit of editsFor(action.edit, TARGET.uri)) {
        check(insideDocument(lines, edit.range), sample, () => `quick fix "${action.title}" edit ${showRange(edit.range)} outside the document`);
      }
    }
    // fix-all re-runs every pass: check it on a share of the documents only.
    if (random.chance(0.3)) {
      const fixAllEdits = editsFor(fixAllAction(TARGET, text, {})?.edit, TARGET.uri);
      const expected = minimalEdit(text, fixed);
      check(JSON.stringify(fixAllEdits) === JSON.stringify(expected ? [expected] : []), sample, () => `the fix-all action's edit ${JSON.stringify(fixAllEdits)} is not fixAll's minimal edit ${JSON.stringify(expected)}`);
    }
  } catch (error) {
    if (error instanceof FuzzFailure) throw error;
    check(false, sample, () => `code actions threw: ${describeError(error)}`);
  }
  return result.errors.length - ours.length;
}

/** Checks one document; returns its finding count and base-validation failures for the summary. */
function checkDocument(sample: Sample): { findings: number; baseFailures: number } {
  const random = new Random(documentSeed(SEED, sample.index) ^ 0x5bd1e995);
  const analysis = safeAnalyze(sample.text, sample, 'analyze');
  checkRanges(sample.text, analysis.findings, sample);
  checkPreferredFixes(sample.text, analysis.findings, sample, random);
  const fixed = checkFixAll(sample.text, sample);
  checkIgnores(sample.text, analysis, sample, random);
  const baseFailures = checkServerPieces(sample.text, fixed, sample, random);
  return { findings: analysis.findings.length, baseFailures };
}

test(`fuzz: ${ONLY === undefined ? COUNT : 1} Dockerfiles (seed ${SEED}) analyse and fix cleanly`, () => {
  const seeds = corpus();
  corpusFingerprint = fingerprint(seeds);
  const indexes = ONLY === undefined ? Array.from({ length: COUNT }, (_, i) => i) : [ONLY];
  const started = performance.now();
  const failures: string[] = [];
  /** Per kind of failure: how many, and the first one in full. */
  const kinds = new Map<string, { count: number; first: string }>();
  const counts = { generated: 0, mutated: 0, findings: 0 };
  const baseFailedOn: number[] = [];
  let stoppedEarly = false;
  for (const index of indexes) {
    if (performance.now() - started > BUDGET_MS) {
      stoppedEarly = true;
      break;
    }
    const sample = sampleAt(index, seeds);
    counts[sample.kind]++;
    try {
      const result = checkDocument(sample);
      counts.findings += result.findings;
      if (result.baseFailures > 0) baseFailedOn.push(index);
    } catch (error) {
      if (!(error instanceof FuzzFailure)) throw error;
      failures.push(error.message);
      const kind = kindOf(error.message);
      const seen = kinds.get(kind);
      if (seen) seen.count++;
      else kinds.set(kind, { count: 1, first: error.message });
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`fuzz: ${counts.generated + counts.mutated} documents (${counts.generated} generated, ${counts.mutated} mutated from fixture/example files: ${corpusFingerprint}), ${counts.findings} findings, in ${seconds} s, seed ${SEED}`);
  if (stoppedEarly) console.log(`fuzz: stopped at the ${BUDGET_MS / 1000} s budget (FUZZ_BUDGET_S) before document #${counts.generated + counts.mutated} of ${indexes.length}`);
  if (baseFailedOn.length > 0) {
    console.log(`fuzz: dockerfile-utils validation threw on ${baseFailedOn.length} documents, caught and logged by the server (e.g. FUZZ_SEED=${SEED} FUZZ_ONLY=${baseFailedOn[0]})`);
  }
  if (failures.length > 0) {
    const byCount = [...kinds].sort((a, b) => b[1].count - a[1].count);
    const summary = byCount.map(([kind, { count }]) => `  ${count} × ${kind}`).join('\n');
    const shown = byCount.slice(0, SHOWN_FAILURES).map(([, { first }]) => first).join('\n\n');
    assert.fail(`fuzz seed ${SEED}: ${failures.length} of ${counts.generated + counts.mutated} documents checked failed. By kind:\n${summary}\n\nThe first of each kind:\n\n${shown}`);
  }
});
