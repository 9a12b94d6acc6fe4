// "Slim this image" proved on the real engine: for each Go and C case of
// test/fixtures/slim, the original and the slimmed Dockerfile are built (classic
// builder, --network none, local base images and runtime stand-ins only), both
// containers run with --network none and must print the same; the slimmed one must be
// smaller, and the single-stage Go program at least 90% smaller. Prints a size table.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docker, engineScope, engineSkipReason, ensureEngine, exec, imageSize, SETUP_SCRIPT, ROOT } from '../support/engine';
import { readSlimCases, type SlimCase } from '../unit/slim-cases';

/** Runtime images `slim` chooses: engine-setup.sh builds local stand-ins under these names. */
const STANDINS = ['gcr.io/distroless/static-debian12', 'gcr.io/distroless/base-debian12', 'gcr.io/distroless/cc-debian12', 'alpine:3.20'];
const STANDIN_LABEL = 'org.opencontainers.image.description';

const cases = readSlimCases().filter((c) => c.kind === 'slimmed' && c.spec.prints !== undefined);
const skip = engineSkipReason();

interface Measured {
  name: string;
  runtime: string;
  before: number;
  after: number;
}

describe('slim on the real engine', { skip }, () => {
  const engine = engineScope('slim');
  const measured: Measured[] = [];
  const tempDirs: string[] = [];

  before(async () => {
    await ensureEngine();
    if (!(await standinsReady())) {
      const setup = await exec('bash', [SETUP_SCRIPT], { cwd: ROOT, timeoutMs: 20 * 60_000 });
      assert.equal(setup.exitCode, 0, `scripts/engine-setup.sh failed:\n${setup.output}`);
      assert.ok(await standinsReady(), 'engine-setup.sh made the runtime stand-ins');
    }
  }, { timeout: 25 * 60_000 });

  after(async () => {
    printTable(measured);
    await engine.cleanup();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  test('every Go and C case with an engine proof is here, and the others say why not', () => {
    assert.ok(cases.length >= 7, `${cases.length} cases`);
    for (const c of readSlimCases().filter((c) => c.kind === 'slimmed' && c.spec.prints === undefined && !c.spec.source)) assert.ok(c.spec.engine, `${c.name}: case.json needs "prints" or "engine" (why it cannot run here)`);
  });

  for (const slimCase of cases) {
    test(`${slimCase.name}: the slimmed image is smaller and prints the same`, { skip: slimCase.spec.engine }, async () => {
      const slimmedDir = slimmedCopy(slimCase, tempDirs);
      const [original, slimmed] = await Promise.all([engine.buildOk(slimCase.inputDir, { label: `${slimCase.name}-original` }), engine.buildOk(slimmedDir, { label: `${slimCase.name}-slim` })]);
      const [ran, ranSlim] = await Promise.all([engine.run(original), engine.run(slimmed)]);
      assert.equal(ran.exitCode, 0, `original: ${ran.stderr}`);
      assert.equal(ranSlim.exitCode, 0, `the slimmed image must start and exit 0: ${ranSlim.stderr}`);
      assert.ok(ran.stdout.includes(slimCase.spec.prints as string), ran.stdout);
      assert.equal(ranSlim.stdout, ran.stdout);
      const sizes = { before: await imageSize(original), after: await imageSize(slimmed) };
      measured.push({ name: slimCase.name, runtime: slimCase.spec.runtimeBase ?? '?', ...sizes });
      assert.ok(sizes.after < sizes.before, `${sizes.after} < ${sizes.before}`);
      if (slimCase.name === 'go-plain') assert.ok(sizes.after <= sizes.before * 0.1, `go-plain: ${sizes.after} is not 90% smaller than ${sizes.before}`);
    });
  }
});

async function standinsReady(): Promise<boolean> {
  for (const image of STANDINS) {
    const result = await docker(['image', 'inspect', '--format', `{{index .Config.Labels "${STANDIN_LABEL}"}}`, image]);
    if (result.exitCode !== 0 || !result.stdout.includes('local stand-in')) return false;
  }
  return true;
}

/** The case's build context with the slimmed files in place of the originals. */
function slimmedCopy(slimCase: SlimCase, tempDirs: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `slim-${slimCase.name}-`));
  tempDirs.push(dir);
  cpSync(slimCase.inputDir, dir, { recursive: true });
  for (const [file, text] of Object.entries(slimCase.expected)) writeFileSync(path.join(dir, file), text);
  return dir;
}

function printTable(rows: readonly Measured[]): void {
  if (rows.length === 0) return;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0);
  const lines = ['| case | runtime | before MB | after MB | smaller by |', '|---|---|---:|---:|---:|'];
  for (const row of [...rows].sort((a, b) => a.name.localeCompare(b.name))) {
    lines.push(`| ${row.name} | ${row.runtime} | ${mb(row.before)} | ${mb(row.after)} | ${(100 * (1 - row.after / row.before)).toFixed(1)}% |`);
  }
  console.log(`\nslim: image sizes before and after (docker image inspect .Size)\n${lines.join('\n')}\n`);
}
