// SLIM006: the final image is a compiler image that builds its own program, so the
// toolchain, caches and sources ship with it.
import path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import { commandOf, textOf, type ParsedDockerfile } from '../parse/dockerfile';
import { shapeOf } from '../parse/shell';
import { parseImageRef } from '../facts/base-images';
import { buildsArtifact, isNativeBuild, resolvePath, workdirAt, type BuildCommand } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { environmentOf, lastInstructionIn } from '../facts/queries';
import type { FileEdit, Fix, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM006',
    name: 'toolchain-in-final-image',
    severity: 'warning',
    fixable: true,
    summary: 'The final image is a compiler image that builds its own artifact: the toolchain ships with it.',
  },
  check(facts) {
    const target = facts.target;
    if (!target || !target.base.toolchain) return [];
    const builds = facts.builds.filter((build) => facts.runtimeChain.includes(build.stage) && buildsArtifact(build) && !installsThirdPartyTool(build));
    if (builds.length === 0) return [];
    const from = target.from;
    return [
      {
        code: 'SLIM006',
        range: from.getImageRange() ?? from.getRange(),
        message: messageOf(target, builds[0]),
        fixes: splitFix(facts, builds),
      },
    ];
  },
};

/** `go install tool@v1`, `cargo install tool`: a CI or dev image adding tools next to the toolchain it needs, not shipping its own build. */
function installsThirdPartyTool(build: BuildCommand): boolean {
  if (build.kind === 'go-install') return build.packages.length > 0 && build.packages.every((pkg) => pkg?.includes('@'));
  return build.tool === 'cargo' && build.argv[1] === 'install' && !build.argv.includes('--path');
}

function messageOf(target: Stage, build: BuildCommand): string {
  const full = build.argv.join(' ');
  const command = full.length > 60 ? full.slice(0, 59) + '…' : full;
  return (
    `The final image is based on ${target.rootImage ?? 'a compiler image'}, a compiler image, and builds its program in place (\`${command}\`): ` +
    `the toolchain, its caches and the sources ship with it, often hundreds of megabytes the program never uses. ` +
    `Build in a stage of its own and copy only the artifact into a small runtime image (distroless, scratch or alpine).`
  );
}

// ---------------------------------------------------------------------------
// "Split into build and runtime stages": only when the result surely runs the same program.

const DISTROLESS_USERS = new Set(['root', 'nobody', 'nonroot']);
/** Instructions only the runtime needs: moved to the new stage. */
const MOVED = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE']);
/** Instructions both may need: copied to the new stage. */
const COPIED = new Set(['ENV', 'LABEL', 'VOLUME', 'STOPSIGNAL', 'USER']);

function splitFix(facts: Facts, builds: readonly BuildCommand[]): Fix[] {
  const target = facts.target;
  const build = builds[0];
  if (!target || facts.runtimeChain.length !== 1 || builds.length !== 1 || !build.output) return [];
  if (!isNativeBuild(build)) return [];
  const runtime = runtimeImage(target, build);
  const startup = startupOf(facts, target, build.output);
  if (!runtime || !startup || !portable(facts.doc, target)) return [];
  const stageName = target.name ?? freeStageName(facts);
  const edits: FileEdit[] = [];
  if (!target.name) edits.push(nameStage(target, stageName));
  for (const instruction of target.instructions) if (MOVED.has(instruction.getKeyword())) edits.push(deleteLines(facts.doc, instruction));
  const lastLineMoved = target.instructions.some((instruction) => MOVED.has(instruction.getKeyword()) && instruction.getRange().end.line === facts.doc.lines.length - 1);
  edits.push(appendStage(facts, target, { runtime, stageName, output: build.output, startup, endsWithNewline: facts.doc.text.endsWith('\n') || lastLineMoved }));
  return [{ title: 'Split into build and runtime stages', edits, manual: true }];
}

/** distroless/static for static binaries, base (Go with cgo) or cc (C, C++) for glibc-linked ones; none for musl-linked. */
function runtimeImage(target: Stage, build: BuildCommand): string | undefined {
  const debian = /trixie/.test(parseImageRef(target.rootImage ?? '').tag ?? '') ? 'debian13' : 'debian12';
  const libc = target.base.libc;
  if (build.kind === 'c-link') {
    if (build.static) return `gcr.io/distroless/static-${debian}`;
    return libc === 'glibc' ? `gcr.io/distroless/cc-${debian}` : undefined;
  }
  const cgo = build.env.has('CGO_ENABLED') ? build.env.get('CGO_ENABLED') : 'default';
  if (cgo === '0') return `gcr.io/distroless/static-${debian}`;
  if (libc === 'glibc' && (cgo === '1' || cgo === 'default')) return `gcr.io/distroless/base-${debian}`;
  // Alpine's Go images have no C compiler: cgo is off unless one was installed.
  if (libc === 'musl' && cgo === 'default' && !installsCompiler(target)) return `gcr.io/distroless/static-${debian}`;
  return undefined;
}

function installsCompiler(stage: Stage): boolean {
  return stage.instructions.some((instruction) => instruction.getKeyword() === 'RUN' && /\b(gcc|g\+\+|clang|build-base|musl-dev)\b/.test(instruction.getArgumentsContent() ?? ''));
}

interface Startup {
  /** The new ENTRYPOINT and CMD lines, in their original order. */
  lines: Map<Instruction, string>;
}

/** ENTRYPOINT (else CMD) must run the built program; it is rewritten to exec form with the new path. */
function startupOf(facts: Facts, target: Stage, output: string): Startup | undefined {
  const entrypoint = lastInstructionIn([target], 'ENTRYPOINT');
  const cmd = lastInstructionIn([target], 'CMD');
  const runner = entrypoint ?? cmd;
  if (!runner) return undefined;
  const argv = argvOf(facts.doc, runner);
  if (!argv || !runsProgram(facts, target, runner, argv[0], output)) return undefined;
  const lines = new Map<Instruction, string>();
  lines.set(runner, `${runner.getInstruction()} ${JSON.stringify([runtimePath(output), ...argv.slice(1)])}`);
  if (entrypoint && cmd) {
    const args = argvOf(facts.doc, cmd);
    if (!args || commandOf(facts.doc, cmd)?.form !== 'exec') return undefined;
    lines.set(cmd, `${cmd.getInstruction()} ${JSON.stringify(args)}`);
  }
  return { lines };
}

/** Exec form as is; shell form only when it is a plain list of words (the runtime has no shell). */
function argvOf(doc: ParsedDockerfile, instruction: Instruction): string[] | undefined {
  const command = commandOf(doc, instruction);
  if (!command) return undefined;
  if (command.form === 'exec') return command.argv && command.argv.length > 0 ? command.argv : undefined;
  const shape = shapeOf(command.text);
  return shape.kind === 'simple' ? shape.words : undefined;
}

const DEFAULT_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin', '/go/bin', '/usr/local/go/bin'];

function runsProgram(facts: Facts, target: Stage, runner: Instruction, program: string, output: string): boolean {
  if (program.includes('/')) return resolvePath(workdirAt(facts.doc, target, runner), program) === output;
  if (path.posix.basename(output) !== program) return false;
  const searchPath = environmentOf([target]).get('PATH');
  const dirs = searchPath === undefined || searchPath.includes('$') ? DEFAULT_PATH : searchPath.split(':');
  return dirs.includes(path.posix.dirname(output));
}

function runtimePath(output: string): string {
  const name = path.posix.basename(output);
  return /^(bin|boot|dev|etc|home|lib|lib64|proc|root|run|sbin|sys|tmp|usr|var)$/.test(name) ? '/app' : `/${name}`;
}

/** What the new stage copies must mean the same there: literal ENVs, users that distroless has. */
function portable(doc: ParsedDockerfile, target: Stage): boolean {
  for (const instruction of target.instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'HEALTHCHECK' || keyword === 'ONBUILD') return false;
    if (keyword === 'ENV' && textOf(doc, instruction.getRange()).includes('$')) return false;
  }
  const user = lastInstructionIn([target], 'USER')?.getArgumentsContent()?.trim();
  return user === undefined || user.split(':').every((part) => /^\d+$/.test(part) || DISTROLESS_USERS.has(part));
}

function freeStageName(facts: Facts): string {
  const taken = new Set(facts.stages.map((stage) => stage.name));
  return ['build', 'builder', 'build-stage'].find((name) => !taken.has(name)) ?? `build-${facts.stages.length}`;
}

function nameStage(target: Stage, name: string): FileEdit {
  const written = target.from.getInstruction();
  const as = written === written.toLowerCase() ? 'as' : 'AS';
  const end = target.from.getRange().end;
  return { range: { start: end, end }, newText: ` ${as} ${name}` };
}

/** Removes an instruction's whole lines (on the last line: up to the end, leaving the newline before it). */
function deleteLines(doc: ParsedDockerfile, instruction: Instruction): FileEdit {
  const { start, end } = instruction.getRange();
  const last = end.line + 1 >= doc.lines.length;
  return { range: { start: { line: start.line, character: 0 }, end: last ? end : { line: end.line + 1, character: 0 } }, newText: '' };
}

interface NewStage {
  runtime: string;
  stageName: string;
  output: string;
  startup: Startup;
  /** Whether the text before the new stage will end with a newline. */
  endsWithNewline: boolean;
}

function appendStage(facts: Facts, target: Stage, stage: NewStage): FileEdit {
  const doc = facts.doc;
  const keyword = (name: string) => (target.from.getInstruction() === target.from.getInstruction().toLowerCase() ? name.toLowerCase() : name);
  const lines = [`${keyword('FROM')} ${stage.runtime}`, `${keyword('COPY')} --from=${stage.stageName} ${stage.output} ${runtimePath(stage.output)}`];
  const lastUser = lastInstructionIn([target], 'USER');
  for (const instruction of target.instructions) {
    const name = instruction.getKeyword();
    const startup = stage.startup.lines.get(instruction);
    if (startup) lines.push(startup);
    else if (name === 'EXPOSE' || (COPIED.has(name) && (name !== 'USER' || instruction === lastUser))) lines.push(textOf(doc, instruction.getRange()));
  }
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const lastLine = doc.lines.length - 1;
  const end = { line: lastLine, character: doc.lines[lastLine].length };
  const separator = stage.endsWithNewline ? eol : eol + eol;
  return { range: { start: end, end }, newText: separator + lines.join(eol) + eol };
}
