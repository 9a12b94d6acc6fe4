// SLIM205: `go get` used to fetch the dependencies of a module build. In module mode
// it resolves versions and may rewrite go.mod and go.sum; `go mod download` fetches
// exactly what go.mod and go.sum pin, and needs only those two (a layer that caches).
import path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import { copyFromValue } from '../parse/dockerfile';
import { parseImageRef } from '../facts/base-images';
import { globPattern, hasGlob, type ResolvedCommand } from '../facts/builds';
import { copyPaths } from '../facts/extract';
import type { Facts, Stage } from '../facts/model';
import { chainOf } from '../facts/queries';
import { stageFiles } from '../facts/stage-files';
import { stageCommands, wordsRange } from './go-c-builds';
import type { Finding, Fix, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM205',
    name: 'go-get-for-dependencies',
    severity: 'info',
    fixable: true,
    summary: '`go get` fetches the dependencies of a module build: `go mod download` fetches exactly what go.sum pins.',
  },
  check(facts) {
    return facts.stages.flatMap((stage) => {
      const commands = stageCommands(facts, stage);
      return commands.filter((command, index) => isDependencyFetch(command) && inModuleBuild(facts, stage, commands, index)).map((command) => findingOf(command));
    });
  },
};

/** `go get`, `go get -d ./...`, `go get -u .`: packages of the project itself, not a named module. */
function isDependencyFetch(command: ResolvedCommand): boolean {
  if (!isGo(command) || command.argv[1] !== 'get') return false;
  return command.words.slice(2).every((word) => word.value !== undefined && (word.value.startsWith('-') || isLocalPattern(word.value)));
}

function isLocalPattern(arg: string): boolean {
  return arg === '.' || arg === './...' || arg.startsWith('./');
}

// ---------------------------------------------------------------------------
// Is it a module build? go.mod is copied in, created, or module mode is the default and a build follows.

function inModuleBuild(facts: Facts, stage: Stage, commands: readonly ResolvedCommand[], index: number): boolean {
  const command = commands[index];
  const mode = command.env.get('GO111MODULE');
  if (command.env.has('GO111MODULE') && mode !== 'on' && mode !== '') return false;
  if (mode === 'on') return true;
  if (copiesGoMod(facts, stage, command.instruction) || commands.slice(0, index).some(isGoModInit)) return true;
  const buildFollows = commands.slice(index + 1).some((later) => isGo(later) && (later.argv[1] === 'build' || later.argv[1] === 'install'));
  return buildFollows && moduleModeByDefault(stage.rootImage);
}

function isGo(command: ResolvedCommand): boolean {
  return path.posix.basename(command.argv[0] ?? '') === 'go';
}

function isGoModInit(command: ResolvedCommand): boolean {
  return isGo(command) && command.argv[1] === 'mod' && command.argv[2] === 'init';
}

/** A COPY or ADD from the build context, before `run`, that brings a go.mod. */
function copiesGoMod(facts: Facts, stage: Stage, run: Instruction): boolean {
  const chain = chainOf(stage);
  const before = chain.flatMap((member) => (member === stage ? member.instructions.slice(0, member.instructions.indexOf(run)) : member.instructions));
  const copies = before.filter((instruction) => /^(COPY|ADD)$/.test(instruction.getKeyword()) && copyFromValue(instruction) === undefined);
  if (copies.some((copy) => copyPaths(copy as Parameters<typeof copyPaths>[0]).sources.some(namesGoMod))) return true;
  if (!facts.context || copies.length === 0) return false;
  return [...stageFiles(facts.doc, facts.context, stage).values()].some((file) => path.posix.basename(file) === 'go.mod');
}

function namesGoMod(source: string): boolean {
  const name = path.posix.basename(source);
  return name === 'go.mod' || (hasGlob(name) && globPattern(name).test('go.mod'));
}

/** Go 1.16 made module mode the default: golang images from then on, and tags without a version. */
function moduleModeByDefault(image: string | undefined): boolean {
  if (image === undefined) return false;
  const { name, tag = 'latest' } = parseImageRef(image);
  if (name !== 'golang') return false;
  const version = /^1\.(\d+)/.exec(tag);
  return version ? Number(version[1]) >= 16 : !/^\d/.test(tag);
}

// ---------------------------------------------------------------------------
// Finding and fix.

const PLAIN_FLAGS = new Set(['-d', '-v', '-t', '-d=true', '-v=true', '-t=true']);

function findingOf(command: ResolvedCommand): Finding {
  const args = command.argv.slice(2);
  const plain = args.every((arg) => PLAIN_FLAGS.has(arg.replace(/^--/, '-')) || arg === '.' || arg === './...');
  return {
    code: 'SLIM205',
    range: wordsRange(command, 1),
    message:
      `\`${command.argv.join(' ')}\` fetches the dependencies of a module build: in module mode \`go get\` is for changing requirements: ` +
      `it resolves what go.mod lacks to the latest versions and may rewrite go.mod and go.sum, so the image may not build what the repository pins. ` +
      `Use \`go mod download\`: it fetches exactly the versions in go.mod and go.sum and needs only those two files, ` +
      `so copied before the sources its layer stays cached across code changes.` +
      (plain ? '' : ' (No quick fix: these flags or packages change what it does.)'),
    fixes: plain ? fixOf(command) : [],
  };
}

function fixOf(command: ResolvedCommand): Fix[] {
  const first = command.words[0]?.range;
  const last = command.words[command.words.length - 1]?.range;
  if (!first || !last) return [];
  return [{ title: 'Replace with go mod download', edits: [{ range: { start: first.start, end: last.end }, newText: 'go mod download' }] }];
}
