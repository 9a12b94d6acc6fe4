// Suppression comments: our own, and the peers' equivalents the spec lists.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/analyze';
import { applyEdits } from '../../server/src/fixes';
import { initShellParser } from '../../server/src/parse/shell';
import { parsePragma } from '../../server/src/suppressions';

before(() => initShellParser());

/** Codes reported for a Dockerfile whose findings are known: SLIM002, SLIM003, SLIM007, SLIM008, SLIM009, SLIM012. */
function codes(text: string): string[] {
  return [...new Set(analyze(text).findings.map((finding) => finding.code))].sort();
}

const NOISY = ['FROM alpine AS build', 'FROM alpine', 'ENV API_TOKEN=abc', 'RUN apk add curl', 'COPY --from=build / /', 'CMD /app --serve'];
const ALL = ['SLIM002', 'SLIM003', 'SLIM007', 'SLIM008', 'SLIM009', 'SLIM012'];

function withLines(extra: Record<number, string>): string {
  return NOISY.flatMap((line, index) => (extra[index] ? [extra[index], line] : [line])).join('\n') + '\n';
}

test('the unsuppressed file reports every code the other tests silence', () => {
  assert.deepEqual(codes(withLines({})), ALL);
});

test('# slim-ignore= on the line above silences those codes for that instruction only', () => {
  const text = withLines({ 5: '# slim-ignore=SLIM002,SLIM003' });
  const cmdLine = 6;
  const onCmd = analyze(text).findings.filter((finding) => finding.range.start.line === cmdLine).map((finding) => finding.code);
  assert.ok(!onCmd.includes('SLIM002'));
  assert.ok(codes(text).includes('SLIM003'), 'SLIM003 sits on FROM, not on the CMD: still reported');
});

test('several comment lines directly above all count; a blank line ends the block', () => {
  assert.ok(!codes(withLines({ 3: '# slim-ignore=SLIM008\n# explains why' })).includes('SLIM008'));
  assert.ok(codes(withLines({ 3: '# slim-ignore=SLIM008\n' })).includes('SLIM008'));
});

test('# slim-ignore-file= anywhere silences the code in the whole file', () => {
  assert.deepEqual(codes(withLines({ 4: '# slim-ignore-file=SLIM007, SLIM012' })), ALL.filter((code) => code !== 'SLIM007' && code !== 'SLIM012'));
});

const HADOLINT: [string, string, number][] = [
  ['DL3025', 'SLIM002', 5],
  ['DL3006', 'SLIM007', 1],
  ['DL3007', 'SLIM007', 1],
  ['DL3009', 'SLIM008', 3],
  ['DL3015', 'SLIM008', 3],
  ['DL3019', 'SLIM008', 3],
  ['DL3042', 'SLIM008', 3],
  ['DL3067', 'SLIM012', 4],
];

/** Codes reported on the instruction that follows the inserted comment. */
function codesOnLine(text: string, line: number): string[] {
  return analyze(text).findings.filter((finding) => finding.range.start.line === line).map((finding) => finding.code);
}

for (const [rule, code, line] of HADOLINT) {
  test(`# hadolint ignore=${rule} silences ${code}`, () => {
    assert.ok(codesOnLine(withLines({}), line).includes(code));
    assert.ok(!codesOnLine(withLines({ [line]: `# hadolint ignore=${rule}` }), line + 1).includes(code));
  });
}

test('# hadolint ignore=DL3002 silences SLIM003 on a USER root', () => {
  const text = 'FROM alpine:3.20\n# hadolint ignore=DL3002\nUSER root\n';
  assert.deepEqual(codes(text), []);
  assert.deepEqual(codes(text.replace('# hadolint ignore=DL3002\n', '')), ['SLIM003']);
});

test('# slim-ignore= takes the codes before the reason', () => {
  assert.deepEqual(parsePragma('# slim-ignore=SLIM003, SLIM010 the proxy needs port 80'), { scope: 'instruction', codes: ['SLIM003', 'SLIM010'] });
});

test('# hadolint global ignore= applies to the whole file; unknown DL codes are ignored', () => {
  assert.ok(!codes(withLines({ 0: '# hadolint global ignore=DL3007,DL9999' })).includes('SLIM007'));
});

test('BuildKit # check=skip= silences SLIM002 and SLIM009', () => {
  assert.deepEqual(parsePragma('# check=skip=JSONArgsRecommended,SecretsUsedInArgOrEnv'), { scope: 'file', codes: ['SLIM002', 'SLIM009'] });
  const text = '# check=skip=JSONArgsRecommended;error=true\n' + withLines({});
  assert.ok(!codes(text).includes('SLIM002'));
  assert.ok(codes(text).includes('SLIM009'));
});

test('pragmas are case-insensitive and tolerate spaces', () => {
  assert.deepEqual(parsePragma('#  SLIM-IGNORE = slim001,SLIM002'), { scope: 'instruction', codes: ['SLIM001', 'SLIM002'] });
  assert.equal(parsePragma('# a comment about slim-ignore'), undefined);
});

test('the ignore edit adds a comment, or extends the one already there', () => {
  const text = withLines({});
  const finding = analyze(text).findings.find((candidate) => candidate.code === 'SLIM008')!;
  const once = applyEdits(text, [finding.ignore]);
  assert.match(once, /# slim-ignore=SLIM008\nRUN apk add curl/);
  assert.ok(!codes(once).includes('SLIM008'));
  const second = analyze(once).findings.find((candidate) => candidate.code === 'SLIM009')!;
  const twice = applyEdits(once, [second.ignore]);
  assert.ok(!codes(twice).includes('SLIM009'));
  assert.match(twice, /# slim-ignore=SLIM009\nENV API_TOKEN/);
});

test('the ignore edit goes after the last code, before a written reason', () => {
  const text = 'FROM alpine:3.20\n# slim-ignore=SLIM002, SLIM010 the proxy needs it\nRUN apk add curl\n';
  const finding = analyze(text).findings.find((candidate) => candidate.code === 'SLIM008')!;
  assert.match(applyEdits(text, [finding.ignore]), /# slim-ignore=SLIM002, SLIM010,SLIM008 the proxy needs it\n/);
});
