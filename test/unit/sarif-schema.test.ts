// `dockerfile-slim lint --format sarif`, as CI runs it (the built dist/cli.js; `npm run
// build` first), validated against the official SARIF 2.1.0 JSON schema
// (test/fixtures/sarif/, see its README) with ajv: findings with fixes in several files,
// no findings, several Dockerfiles, absolute paths, and the rule metadata.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv from 'ajv';
import { RULES } from '../../server/src/rules';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const SCHEMA = path.join(FIXTURES, 'sarif', 'sarif-schema-2.1.0.json');

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; helpUri: string; help: { markdown?: string } }[] } };
    results: {
      ruleId: string;
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[];
      fixes?: { artifactChanges: { artifactLocation: { uri: string } }[] }[];
    }[];
  }[];
}

/** The schema's formats, checked as strictly as a URL parser reads them (ajv-formats is not installed). */
function validator() {
  const ajv = new Ajv({ allErrors: true });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/'));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
}

const validate = validator();

function assertValid(log: unknown): void {
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
}

function sarif(args: string[], cwd: string): SarifLog {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  const run = spawnSync(process.execPath, [CLI, 'lint', '--format', 'sarif', ...args], { cwd, encoding: 'utf8' });
  assert.ok(run.status === 0 || run.status === 1, `exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as SarifLog;
}

const uris = (log: SarifLog) => new Set(log.runs[0].results.map((result) => result.locations[0].physicalLocation.artifactLocation.uri));

test('the validator rejects what the schema forbids (so the tests below can fail)', () => {
  const log = sarif(['clean.Dockerfile'], path.join(FIXTURES, 'cli'));
  assertValid(log);
  assert.equal(validate({ ...log, version: '2.0.0' }), false, 'a wrong version');
  const badLevel = { ...log, runs: [{ ...log.runs[0], results: [{ ruleId: 'SLIM001', level: 'fatal', message: { text: 'x' } }] }] };
  assert.equal(validate(badLevel), false, 'an unknown result level');
  const badUri = { ...log, runs: [{ ...log.runs[0], tool: { driver: { name: 'x', informationUri: 'not a uri' } } }] };
  assert.equal(validate(badUri), false, 'a relative informationUri');
});

test('findings with fixes, in the Dockerfile and the Makefile they come from', () => {
  const log = sarif(['.'], path.join(FIXTURES, 'rules', 'SLIM201', 'invalid-make'));
  assertValid(log);
  const { results } = log.runs[0];
  assert.ok(results.some((result) => result.fixes?.length), 'some results carry a fix');
  assert.ok(uris(log).has('Makefile') && uris(log).has('Dockerfile'), [...uris(log)].join(' '));
  const changed = results.flatMap((result) => result.fixes ?? []).flatMap((fix) => fix.artifactChanges.map((change) => change.artifactLocation.uri));
  assert.ok(changed.includes('Makefile'), 'a fix that edits the Makefile');
});

test('no findings: an empty result list', () => {
  const log = sarif(['clean.Dockerfile'], path.join(FIXTURES, 'cli'));
  assertValid(log);
  assert.deepEqual(log.runs[0].results, []);
});

test('a folder of Dockerfiles, and absolute paths as file URIs', () => {
  const folder = sarif(['.'], path.join(FIXTURES, 'cli'));
  assertValid(folder);
  assert.deepEqual(uris(folder), new Set(['app.Dockerfile', 'unpinned.Dockerfile']));

  const files = [path.join(FIXTURES, 'cli', 'app.Dockerfile'), path.join(FIXTURES, 'rules', 'SLIM204', 'invalid', 'Dockerfile')];
  const absolute = sarif(files, ROOT);
  assertValid(absolute);
  for (const file of files) assert.ok(uris(absolute).has(pathToFileURL(file).href), file);
  for (const uri of uris(absolute)) assert.match(uri, /^file:\/\/\//, 'go.mod too');
});

test('every rule is described, with its documentation', () => {
  const log = sarif(['app.Dockerfile'], path.join(FIXTURES, 'cli'));
  assertValid(log);
  const { rules } = log.runs[0].tool.driver;
  assert.deepEqual(
    rules.map((rule) => rule.id),
    RULES.map((rule) => rule.meta.code),
  );
  for (const rule of rules) {
    assert.match(rule.helpUri, /^https:\/\//, rule.id);
    assert.match(rule.help.markdown ?? '', new RegExp(`^# ${rule.id}`, 'm'), `${rule.id} carries its docs page`);
  }
});
