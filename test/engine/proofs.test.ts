// Proof against the real engine: for each engine fixture, the rule's prediction is
// checked by building and running the image, and so is its fix.
//   node --import tsx --test test/engine/*.test.ts
//
// An engine fixture is a folder fixture `test/fixtures/rules/SLIMxxx/invalid-engine[-case]/`
// (any other `invalid[-case]/` folder holding a proof.json counts too): a `Dockerfile`, its
// build context and inline expectations, exactly as the unit harness (test/unit/rules.test.ts)
// reads it, plus `proof.json`:
//
//   {
//     "fails": "no such file or directory",  // required: text in the failing output
//     "prints": "hello from SLIM201",        // required: text in the fixed container's stdout
//     "failsAt": "run",                      // "run" (default): the image builds, the container fails;
//                                            // "build": `docker build` itself fails
//     "args": ["--greet", "x"],              // the command after the image (default: none, so CMD runs)
//     "runArgs": ["--env", "A=b"],           // more `docker run` options, before the image
//     "target": "runtime",                   // `--target`, also given to analyze
//     "manualFix": {"Dockerfile": "Dockerfile.manual"}
//                                            // only for rules without a preferred fix: each file to
//                                            // replace → the folder file holding its fixed text
//                                            // (write no expectation comments in those files)
//   }
//
// For each fixture, in order:
//   1. analyze the Dockerfile with the folder as build context, only that rule on (the
//      folder's parent name): the rule must be reported;
//   2. build with the real engine and run: it must fail as predicted: `failsAt: "run"`
//      needs a successful build, then a non-zero exit with `fails` in the output
//      (stdout + stderr); `failsAt: "build"` needs a failed build with `fails` in its log;
//   3. apply the rule's preferred fixes (fixAllFiles, only that rule on, as the unit harness
//      does), or `manualFix`, in a temporary copy of the folder: the rule must no longer
//      fire, the image must build, and the container must exit 0 with `prints` in stdout.
// Steps 2 and 3 run in parallel, and fixtures run concurrently (at most ENGINE_SLOTS
// engine commands at a time). Every image is removed afterwards (EngineScope).
// The same format, with advice on writing engine fixtures: test/engine/README.md.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyze, type AnalysisOptions } from '../../server/src/analyze';
import { memoryContext } from '../../server/src/context/build-context';
import { fixAllFiles } from '../../server/src/fixes';
import { loadGrammars } from '../../server/src/parse/grammars';
import { RULES, ruleByCode } from '../../server/src/rules';
import { engineScope, engineSkipReason, ensureEngine, type BuildResult, type RunResult } from '../support/engine';

const RULE_FIXTURES = path.join(__dirname, '..', 'fixtures', 'rules');
/** Concurrent builds and runs: enough to overlap I/O, few enough not to starve 2 cores. */
const ENGINE_SLOTS = Math.max(2, Math.min(4, os.availableParallelism()));

interface Proof {
  fails: string;
  prints: string;
  failsAt: 'run' | 'build';
  args: string[];
  runArgs: string[];
  target?: string;
  manualFix?: Record<string, string>;
}

interface EngineFixture {
  code: string;
  name: string;
  dir: string;
  /** Every file but the unit harness's `.fixed` results, by path relative to the folder. */
  files: Record<string, string>;
  /** undefined when proof.json is missing or malformed (the test reports why). */
  proof: Proof | undefined;
  problem?: string;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

function findEngineFixtures(): EngineFixture[] {
  if (!existsSync(RULE_FIXTURES)) return [];
  return readdirSync(RULE_FIXTURES)
    .filter((code) => /^SLIM\d{3}$/.test(code))
    .sort()
    .flatMap((code) =>
      readdirSync(path.join(RULE_FIXTURES, code))
        .filter((entry) => /^invalid(-[\w-]+)?$/.test(entry))
        .map((entry) => path.join(RULE_FIXTURES, code, entry))
        .filter((dir) => statSync(dir).isDirectory() && (path.basename(dir).startsWith('invalid-engine') || existsSync(path.join(dir, 'proof.json'))))
        .sort()
        .map((dir) => readEngineFixture(code, dir)),
    );
}

function readEngineFixture(code: string, dir: string): EngineFixture {
  const names = listFiles(dir).filter((file) => !file.endsWith('.fixed'));
  const files = Object.fromEntries(names.map((file) => [file, readFileSync(path.join(dir, file), 'utf8')]));
  const fixture = { code, name: `${path.basename(dir)}/`, dir, files };
  if (files['proof.json'] === undefined) return { ...fixture, proof: undefined, problem: 'proof.json is missing' };
  try {
    return { ...fixture, proof: parseProof(JSON.parse(files['proof.json']), files) };
  } catch (error) {
    return { ...fixture, proof: undefined, problem: `proof.json: ${(error as Error).message}` };
  }
}

const PROOF_KEYS = new Set(['fails', 'prints', 'failsAt', 'args', 'runArgs', 'target', 'manualFix']);

/** Strict: a misspelt key would otherwise silently weaken the proof. */
function parseProof(value: unknown, files: Record<string, string>): Proof {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('must be a JSON object');
  const raw = value as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((key) => !PROOF_KEYS.has(key));
  if (unknown.length > 0) throw new Error(`unknown key(s) ${unknown.join(', ')} (known: ${[...PROOF_KEYS].join(', ')})`);
  const text = (key: string): string => {
    if (typeof raw[key] !== 'string' || raw[key] === '') throw new Error(`"${key}" must be a non-empty string`);
    return raw[key] as string;
  };
  const strings = (key: string): string[] => {
    if (raw[key] === undefined) return [];
    if (!Array.isArray(raw[key]) || !(raw[key] as unknown[]).every((item) => typeof item === 'string')) throw new Error(`"${key}" must be an array of strings`);
    return raw[key] as string[];
  };
  const failsAt = raw.failsAt ?? 'run';
  if (failsAt !== 'run' && failsAt !== 'build') throw new Error('"failsAt" must be "run" or "build"');
  const proof: Proof = { fails: text('fails'), prints: text('prints'), failsAt, args: strings('args'), runArgs: strings('runArgs') };
  if (raw.target !== undefined) proof.target = text('target');
  if (raw.manualFix !== undefined) {
    const manual = raw.manualFix;
    if (typeof manual !== 'object' || manual === null || Array.isArray(manual)) throw new Error('"manualFix" must map file paths to file paths');
    for (const [file, replacement] of Object.entries(manual)) {
      if (typeof replacement !== 'string' || files[replacement] === undefined) throw new Error(`manualFix: "${file}" → ${JSON.stringify(replacement)} is not a file of the folder`);
    }
    proof.manualFix = manual as Record<string, string>;
  }
  return proof;
}

/** Only the fixture's rule on, as in the unit harness. */
function optionsFor(code: string, files: Record<string, string>, target: string | undefined): AnalysisOptions {
  return {
    target,
    rules: Object.fromEntries(RULES.filter((rule) => rule.meta.code !== code).map((rule) => [rule.meta.code, 'off'])),
    context: memoryContext(files),
  };
}

function findingsOf(code: string, files: Record<string, string>, target: string | undefined): string[] {
  const analysis = analyze(files.Dockerfile ?? '', optionsFor(code, files, target));
  assert.deepEqual(analysis.errors, [], `rule ${code} threw`);
  return analysis.findings.filter((finding) => finding.code === code).map((finding) => `${finding.path ?? 'Dockerfile'}:${finding.range.start.line + 1}: ${finding.message}`);
}

/** The folder's files after the fix: the rule's preferred fixes, or the proof's manual fix. */
function fixedFiles(fixture: EngineFixture, proof: Proof): { files: Record<string, string>; changed: string[]; how: string } {
  const result = fixAllFiles(fixture.files.Dockerfile ?? '', optionsFor(fixture.code, fixture.files, proof.target));
  const changed: Record<string, string> = Object.fromEntries(result.files);
  if (result.text !== fixture.files.Dockerfile) changed.Dockerfile = result.text;
  if (Object.keys(changed).length > 0) {
    assert.equal(proof.manualFix, undefined, `${fixture.code} has a preferred fix, so proof.json must not give a manualFix`);
    return { files: { ...fixture.files, ...changed }, changed: Object.keys(changed).sort(), how: `${fixture.code}'s preferred fixes` };
  }
  assert.ok(proof.manualFix, `${fixture.code} offers no preferred fix here: proof.json needs a manualFix`);
  const manual = Object.fromEntries(Object.entries(proof.manualFix).map(([file, replacement]) => [file, fixture.files[replacement]]));
  return { files: { ...fixture.files, ...manual }, changed: Object.keys(manual).sort(), how: 'the manual fix in proof.json' };
}

/** Writes FILES into DIR with the modes they have in SOURCE (scripts stay executable). */
function writeFolder(dir: string, files: Record<string, string>, source: string): void {
  for (const [file, text] of Object.entries(files)) {
    const original = path.join(source, file);
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text, { mode: existsSync(original) ? statSync(original).mode & 0o777 : 0o644 });
  }
}

function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).join('\n');
}

function describeRun(result: RunResult): string {
  const exit = result.timedOut ? 'timed out' : `exit ${result.exitCode}`;
  return `${exit}\n--- stdout\n${tail(result.stdout)}\n--- stderr\n${tail(result.stderr)}`;
}

/** At most `size` holders at a time, first come first served. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

const fixtures = findEngineFixtures();

describe('real engine: each rule proved by building and running its fixture', { skip: engineSkipReason(), timeout: 30 * 60_000, concurrency: true }, () => {
  const engine = engineScope('proof');
  const slots = new Slots(ENGINE_SLOTS);
  let tempRoot = '';
  before(async () => {
    tempRoot = mkdtempSync(path.join(os.tmpdir(), 'slim-proofs-'));
    await Promise.all([ensureEngine(), loadGrammars(['bash', 'go', 'c', 'make'])]);
  }, { timeout: 20 * 60_000 });
  after(async () => {
    await engine.cleanup();
    if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
  });

  test('engine fixtures exist', () => {
    assert.ok(fixtures.length > 0, `no test/fixtures/rules/SLIMxxx/invalid-engine/ folder found under ${RULE_FIXTURES}`);
  });

  const build = (dir: string, label: string, proof: Proof): Promise<BuildResult> =>
    slots.use(() => engine.build(dir, { label, target: proof.target }));
  const run = (image: string, proof: Proof): Promise<RunResult> => slots.use(() => engine.run(image, proof.args, { runArgs: proof.runArgs }));

  for (const fixture of fixtures) {
    const label = `${fixture.code}-${fixture.name.slice(0, -1)}`;
    test(`${fixture.code} ${fixture.name}: the engine does what the rule predicts, and the fix works`, { timeout: 15 * 60_000, concurrency: true }, async (t) => {
      const { proof } = fixture;
      assert.ok(proof, `${fixture.dir}: ${fixture.problem}`);
      assert.ok(ruleByCode(fixture.code), `${fixture.code} is not in the rule registry (server/src/rules/index.ts)`);
      assert.ok(fixture.files.Dockerfile !== undefined, `${fixture.dir} has no Dockerfile`);

      // 1. The rule predicts the failure.
      const predicted = findingsOf(fixture.code, fixture.files, proof.target);
      assert.ok(predicted.length > 0, `${fixture.code} must be reported on ${fixture.dir}/Dockerfile`);
      t.diagnostic(`${fixture.code} reports: ${predicted[0]}`);
      const fix = fixedFiles(fixture, proof);
      const left = findingsOf(fixture.code, fix.files, proof.target);
      assert.deepEqual(left, [], `${fixture.code} must no longer fire after ${fix.how}`);

      const invalidDir = path.join(tempRoot, label, 'invalid');
      const fixedDir = path.join(tempRoot, label, 'fixed');
      writeFolder(invalidDir, fixture.files, fixture.dir);
      writeFolder(fixedDir, fix.files, fixture.dir);

      await Promise.all([
        t.test(`2. ${proof.failsAt === 'build' ? 'the build fails' : 'the container fails'} as ${fixture.code} predicts`, (t2) => proveFailure(t2, invalidDir, `${label}-invalid`, proof)),
        t.test(`3. after ${fix.how} (${fix.changed.join(', ')}) it builds and runs`, (t3) => proveFix(t3, fixedDir, `${label}-fixed`, proof)),
      ]);
    });
  }

  async function proveFailure(t: TestContext, dir: string, label: string, proof: Proof): Promise<void> {
    const built = await build(dir, label, proof);
    if (proof.failsAt === 'build') {
      assert.ok(!built.ok, `the build was predicted to fail, but it succeeded:\n${tail(built.output)}`);
      assert.ok(built.output.includes(proof.fails), `the build failed, but its log lacks ${JSON.stringify(proof.fails)}:\n${tail(built.output)}`);
      t.diagnostic(`build failed (exit ${built.exitCode}): ${matchingLine(built.output, proof.fails)}`);
      return;
    }
    assert.ok(built.ok, `the rule predicts a failure at run time, but the build failed (exit ${built.exitCode}):\n${tail(built.output)}`);
    const result = await run(built.tag, proof);
    const output = `${result.stdout}\n${result.stderr}`;
    assert.ok(!result.timedOut, `the container was predicted to fail, but it ran until the timeout:\n${describeRun(result)}`);
    assert.notEqual(result.exitCode, 0, `the container was predicted to fail, but it exited 0:\n${describeRun(result)}`);
    assert.ok(output.includes(proof.fails), `the container failed, but not with ${JSON.stringify(proof.fails)}:\n${describeRun(result)}`);
    t.diagnostic(`container failed (exit ${result.exitCode}): ${matchingLine(output, proof.fails)}`);
  }

  async function proveFix(t: TestContext, dir: string, label: string, proof: Proof): Promise<void> {
    const built = await build(dir, label, proof);
    assert.ok(built.ok, `the fixed image does not build (exit ${built.exitCode}):\n${tail(built.output)}`);
    const result = await run(built.tag, proof);
    assert.equal(result.exitCode, 0, `the fixed container must exit 0:\n${describeRun(result)}`);
    assert.ok(result.stdout.includes(proof.prints), `the fixed container's stdout lacks ${JSON.stringify(proof.prints)}:\n${describeRun(result)}`);
    t.diagnostic(`fixed container exited 0 (build ${(built.durationMs / 1000).toFixed(1)} s): ${matchingLine(result.stdout, proof.prints)}`);
  }
});

function matchingLine(output: string, wanted: string): string {
  return output.split('\n').find((line) => line.includes(wanted))?.trim() ?? wanted;
}
