// The shell-form → exec-form conversion shared by SLIM001 and SLIM002.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { commandOf, parseDockerfile, type CommandText } from '../../server/src/parse/dockerfile';
import { initShellParser } from '../../server/src/parse/shell';
import { extractFacts } from '../../server/src/facts/extract';
import { convertToExecForm, execsItself, inEffect, joinContinuations, shellAt } from '../../server/src/rules/exec-form';

before(() => initShellParser());

function shell(text: string): CommandText {
  return { form: 'shell', text, range: { start: { line: 0, character: 4 }, end: { line: 0, character: 4 + text.length } } };
}

/** The exec-form text, or `reason: …` when it cannot be converted. */
function convert(text: string, options: { viaShell?: boolean; escapeChar?: string } = {}): string {
  const result = convertToExecForm(shell(text), options.escapeChar ?? '\\', options);
  return result.ok ? result.newText : `reason: ${result.reason}`;
}

test('simple words become a JSON array', () => {
  assert.equal(convert('/app'), '["/app"]');
  assert.equal(convert('/app --port 8080'), '["/app","--port","8080"]');
  assert.equal(convert('  /app   -v  '), '["/app","-v"]');
});

test('quotes are removed as the shell would', () => {
  assert.equal(convert('/app --port "8 080"'), '["/app","--port","8 080"]');
  assert.equal(convert("/app 'single quoted' 'it''s'"), '["/app","single quoted","its"]');
  assert.equal(convert(`/app "a \\"quote\\"" '$HOME'`), '["/app","a \\"quote\\"","$HOME"]');
  assert.equal(convert(`/app --name="a b"c`), '["/app","--name=a bc"]');
});

test('backslash escapes outside quotes keep the escaped character', () => {
  assert.equal(convert('/app a\\ b \\$X'), '["/app","a b","$X"]');
  assert.equal(convert("/app 'back\\slash'"), '["/app","back\\\\slash"]');
});

test('line continuations are joined; comment and blank lines inside them are dropped', () => {
  assert.equal(convert('/app \\\n  --port 8080 \\\n  # a comment\n\n  --v'), '["/app","--port","8080","--v"]');
  assert.equal(convert('/app \\  \r\n  --port 8080'), '["/app","--port","8080"]');
  assert.equal(convert('/app --na\\\nme'), '["/app","--name"]');
});

test('joinContinuations maps every joined character back to the original text', () => {
  const raw = '/app \\\n  # note\n  --x';
  const joined = joinContinuations(raw);
  assert.equal(joined.text, '/app   --x');
  assert.equal(joined.offsets.length, joined.text.length + 1);
  assert.equal(raw[joined.offsets[joined.text.indexOf('--x')]], '-');
  assert.equal(joined.offsets[joined.offsets.length - 1], raw.length);
  assert.equal(joinContinuations('a `\nb', '`').text, 'a b');
});

test('unicode survives, and JSON escaping is used where needed', () => {
  assert.equal(convert('/app ünïcödé "✓ 😀"'), '["/app","ünïcödé","✓ 😀"]');
  assert.equal(convert('/app "tab\there"'), '["/app","tab\\there"]');
});

test('a leading exec is dropped: exec form runs the program directly', () => {
  assert.equal(convert('exec /app --port 80'), '["/app","--port","80"]');
  assert.equal(convert('exec -a name /app'), 'reason: it uses `exec` with options');
  assert.equal(convert('exec'), 'reason: it uses `exec` with options');
});

test('each blocking feature is named in the reason', () => {
  const cases: Record<string, string> = {
    '/app | tee /log': 'it uses a pipeline',
    '/app && echo done': 'it uses a command list (&&, ||)',
    '/app || exit 1': 'it uses a command list (&&, ||)',
    '/app > /log': 'it uses a redirection',
    '/app 2>&1': 'it uses a redirection',
    '/app <<< "$X"': 'it uses a here-string',
    '/app --port $PORT': 'it uses a variable expansion',
    '/app ${PORT:-80}': 'it uses a variable expansion',
    '/app "$(date)"': 'it uses a command substitution',
    '/app $((1 + 2))': 'it uses an arithmetic expansion',
    '/app *.yaml': 'it uses a glob pattern',
    '/app ~/config': 'it uses a tilde expansion',
    '(/app)': 'it uses a subshell',
    '{ /app; }': 'it uses a command group',
    'PORT=80 /app': 'it uses a variable assignment',
    '! /app': 'it uses a negation (!)',
    'if true; then /app; fi': 'it uses an if statement',
    'while true; do /app; done': 'it uses a loop',
    '/app # trailing': 'it uses a comment',
    '/app; /other': 'it runs several commands',
    '/app &': 'it uses a background job (&)',
    'cd /srv': '`cd` is a shell builtin, not a program',
    'export A=1': 'it uses a declaration',
    "['/app']": 'it looks like exec form but is not a JSON array of strings (exec form needs double quotes)',
  };
  for (const [text, reason] of Object.entries(cases)) assert.equal(convert(text), `reason: ${reason}`, text);
});

test('an empty command cannot be converted', () => {
  assert.equal(convert(''), 'reason: the command is empty');
  assert.equal(convert('   '), 'reason: the command is empty');
});

test('a custom escape character blocks conversion', () => {
  assert.equal(convert('/app --port 80', { escapeChar: '`' }), 'reason: the file sets a custom escape character');
});

test('with a shell, one command with expansions runs through sh -c exec', () => {
  assert.equal(convert('/app --port $PORT', { viaShell: true }), '["/bin/sh","-c","exec /app --port $PORT"]');
  assert.equal(convert('node  server.js \\\n   --host "${HOST:-0.0.0.0}"', { viaShell: true }), '["/bin/sh","-c","exec node server.js --host \\"${HOST:-0.0.0.0}\\""]');
  assert.equal(convert('/app --port 80', { viaShell: true }), '["/app","--port","80"]');
  assert.equal(convert('/app $X | tee /log', { viaShell: true }), 'reason: it uses a pipeline');
  assert.equal(convert('cd $DIR', { viaShell: true }), 'reason: `cd` is a shell builtin, not a program');
  assert.equal(convert('/app --port $PORT &', { viaShell: true }), 'reason: it uses a background job (&)');
});

test('the sh -c exec conversion keeps the words and their quoting', () => {
  const result = convertToExecForm(shell(`/app --name "$NAME" 'lit $x'`), '\\', { viaShell: true });
  assert.ok(result.ok);
  assert.deepEqual(JSON.parse(result.newText), ['/bin/sh', '-c', `exec /app --name "$NAME" 'lit $x'`]);
});

test('execsItself finds an exec on the main path, not in pipelines or subshells', () => {
  assert.equal(execsItself(shell('exec /app'), '\\'), true);
  assert.equal(execsItself(shell('cd /srv && exec /app $X'), '\\'), true);
  assert.equal(execsItself(shell('exec /app > /log 2>&1'), '\\'), true);
  assert.equal(execsItself(shell('/app'), '\\'), false);
  assert.equal(execsItself(shell('(exec /app)'), '\\'), false);
  assert.equal(execsItself(shell('exec /app | tee /log'), '\\'), false);
});

function facts(text: string) {
  const doc = parseDockerfile(text);
  return { doc, facts: extractFacts(doc) };
}

test('inEffect: the last CMD, reset by an ENTRYPOINT of a later stage', () => {
  const { doc, facts: f } = facts('FROM alpine AS a\nCMD one\nCMD two\nFROM a AS b\nENTRYPOINT ["/x"]\n');
  assert.equal(inEffect(f.runtimeChain, 'CMD'), undefined);
  assert.equal(commandOf(doc, inEffect(f.runtimeChain, 'ENTRYPOINT')!)?.text, '["/x"]');
  const same = facts('FROM alpine\nCMD one\nENTRYPOINT ["/x"]\n');
  assert.equal(commandOf(same.doc, inEffect(same.facts.runtimeChain, 'CMD')!)?.text, 'one');
  const inherited = facts('FROM alpine AS a\nCMD one\nCMD two\nFROM a\nRUN true\n');
  assert.equal(commandOf(inherited.doc, inEffect(inherited.facts.runtimeChain, 'CMD')!)?.text, 'two');
});

test('shellAt: the SHELL before the instruction; HEALTHCHECK takes the final one', () => {
  const { facts: f } = facts('FROM alpine\nCMD one\nSHELL ["/bin/bash", "-c"]\nRUN two\nHEALTHCHECK CMD three\nSHELL ["/bin/ash", "-c"]\n');
  const [cmd, , run, healthcheck] = f.stages[0].instructions;
  assert.equal(shellAt(f.runtimeChain, cmd), undefined);
  assert.deepEqual(shellAt(f.runtimeChain, run), ['/bin/bash', '-c']);
  assert.deepEqual(shellAt(f.runtimeChain, healthcheck), ['/bin/ash', '-c']);
});
