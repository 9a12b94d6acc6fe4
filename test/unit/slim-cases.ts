// The "Slim this image" fixture cases, read by the unit test (test/unit/slim.test.ts) and
// the engine test (test/engine/slim.test.ts).
//
// A case is a folder test/fixtures/slim/<case>/ with `case.json`, the `Dockerfile` and its
// build context (or `"source": "examples/<name>"` to use a bundled example as it is), and
// for a slimmed case `Dockerfile.slim` plus `<file>.slim` for every other file it changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SlimResult, SlimRuntime } from '../../server/src/slim';

export const ROOT = path.join(__dirname, '..', '..');
export const CASES = path.join(ROOT, 'test', 'fixtures', 'slim');

export interface CaseSpec {
  /** Default: 'slimmed' when there is a Dockerfile.slim, else 'refused'. */
  kind?: SlimResult['kind'];
  source?: string;
  runtime?: SlimRuntime;
  runtimeBase?: string;
  /** Refused: text each reason must contain, in order. */
  reasons?: string[];
  /** Engine test: what the original and the slimmed image print. */
  prints?: string;
  /** Engine test: why it cannot build this case here. */
  engine?: string;
}

export interface SlimCase {
  name: string;
  spec: CaseSpec;
  kind: SlimResult['kind'];
  /** Where the input files are. */
  inputDir: string;
  /** The input files, by name (the Dockerfile included). */
  files: Record<string, string>;
  /** The expected files after slimming, by name. */
  expected: Record<string, string>;
}

export function readSlimCases(): SlimCase[] {
  return readdirSync(CASES).map((name) => {
    const dir = path.join(CASES, name);
    const spec = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as CaseSpec;
    const inputDir = spec.source ? path.join(ROOT, spec.source) : dir;
    const expected = Object.fromEntries(filesIn(dir).filter((file) => file.endsWith('.slim')).map((file) => [file.slice(0, -'.slim'.length), readFileSync(path.join(dir, file), 'utf8')]));
    const files = Object.fromEntries(filesIn(inputDir).filter((file) => file !== 'case.json' && !file.endsWith('.slim')).map((file) => [file, readFileSync(path.join(inputDir, file), 'utf8')]));
    return { name, spec, kind: spec.kind ?? (expected.Dockerfile ? 'slimmed' : 'refused'), inputDir, files, expected };
  });
}

function filesIn(dir: string): string[] {
  return readdirSync(dir).filter((file) => statSync(path.join(dir, file)).isFile());
}
