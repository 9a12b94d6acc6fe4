// "Split into build and runtime stages": a single-stage toolchain image becomes a build
// stage (the original, named) and a runtime stage on a small base that copies only the
// program. Only when the result surely runs the same program; otherwise the reasons why
// not, as sentences for the user. SLIM006's fix and "Slim this image" both use it.
import path from 'node:path';
import type { Env, Instruction } from 'dockerfile-ast';
import { commandOf, textOf, type ParsedDockerfile } from '../parse/dockerfile';
import { shapeOf } from '../parse/shell';
import { buildsArtifact, isNativeBuild, resolvePath, workdirAt, type BuildCommand } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { environmentOf, lastInstructionIn } from '../facts/queries';
import { accountsCreatedIn } from '../rules/users';
import type { FileEdit } from '../rules/types';
import { chooseRuntime, type Linkage, type SlimRuntime } from './runtime';

/** Builds in the runtime chain that make the image's own program (not tools installed next to the toolchain). */
export function ownBuilds(facts: Facts): BuildCommand[] {
  return facts.builds.filter((build) => facts.runtimeChain.includes(build.stage) && buildsArtifact(build) && !installsThirdPartyTool(build));
}

/** `go install tool@v1`, `cargo install tool`: a CI or dev image adding tools next to the toolchain it needs, not shipping its own build. */
function installsThirdPartyTool(build: BuildCommand): boolean {
  if (build.kind === 'go-install') return build.packages.length > 0 && build.packages.every((pkg) => pkg?.includes('@'));
  return build.tool === 'cargo' && build.argv[1] === 'install' && !build.argv.includes('--path');
}

export interface SplitPlan {
  edits: FileEdit[];
  /** The build stage's name (the original stage's, or a new one). */
  stageName: string;
  runtimeImage: string;
  linkage: Linkage;
  /** The program's path in the runtime image. */
  program: string;
}

export type SplitResult = { plan: SplitPlan } | { reasons: string[] };

const DISTROLESS_USERS = new Set(['root', 'nobody', 'nonroot']);
/** Instructions only the runtime needs: moved to the new stage. */
const MOVED = new Set(['CMD', 'ENTRYPOINT', 'EXPOSE']);
/** Instructions both may need: copied to the new stage. */
const COPIED = new Set(['ENV', 'LABEL', 'VOLUME', 'STOPSIGNAL', 'USER']);
/** Variables only compilers, linkers and package managers read: they stay in the build stage. */
const BUILD_ONLY_ENV = /^(CGO_\w+|GO[A-Z0-9_]*|CC|CXX|CPP|AR|LD|C(XX|PP)?FLAGS|LDFLAGS|MAKEFLAGS|PKG_CONFIG_\w+|DEBIAN_FRONTEND|APT_\w+|PIP_\w+|NPM_\w+)$/;

export function planSplit(facts: Facts, runtime: SlimRuntime): SplitResult {
  const target = facts.target;
  if (!target) return { reasons: ['The Dockerfile has no FROM instruction.'] };
  const found = shippedBuild(facts, target);
  if ('reasons' in found) return found;
  const { build, output } = found;
  const choice = chooseRuntime(facts, target, build, runtime);
  const startup = startupOf(facts, target, output);
  const reasons = [...('reason' in choice ? [choice.reason] : []), ...(typeof startup === 'string' ? [startup] : []), ...unportable(facts, target, runtime)];
  if ('reason' in choice || typeof startup === 'string' || reasons.length > 0) return { reasons };
  const stageName = target.name ?? freeStageName(facts);
  const edits: FileEdit[] = [];
  if (!target.name) edits.push(nameStage(target, stageName));
  const moved = target.instructions.filter((instruction) => MOVED.has(instruction.getKeyword()));
  for (const instruction of moved) edits.push(deleteLines(facts.doc, commentStart(facts.doc, instruction), instruction));
  const lastLineMoved = moved.some((instruction) => instruction.getRange().end.line === facts.doc.lines.length - 1);
  edits.push(appendStage(facts, target, { runtime: choice.image, stageName, output, startup, endsWithNewline: facts.doc.text.endsWith('\n') || lastLineMoved }));
  return { plan: { edits, stageName, runtimeImage: choice.image, linkage: choice.linkage, program: runtimePath(output) } };
}

/** The one Go or C program the stage builds, and where it is written. */
function shippedBuild(facts: Facts, target: Stage): { build: BuildCommand; output: string } | { reasons: string[] } {
  if (facts.runtimeChain.length !== 1) {
    return { reasons: [`The final stage is based on stage \`${target.parent?.name ?? target.baseRef}\`, so the build is spread over several stages; split it by hand (build in one stage, then \`COPY --from\` the program into a small runtime stage).`] };
  }
  if (facts.stages[facts.stages.length - 1] !== target) return { reasons: ['Stages follow the target stage; slim the last stage, or move the target to the end.'] };
  const builds = ownBuilds(facts);
  const unresolved = builds.filter((build) => build.kind === 'indirect' && !build.indirect?.resolved);
  const natives = builds.filter(isNativeBuild);
  const foreign = builds.filter((build) => build.kind === 'other');
  const reasons: string[] = [];
  for (const build of unresolved) reasons.push(`\`${brief(build)}\` runs a ${build.indirect?.runner === 'make' ? 'Makefile' : 'script'} that is not in the build context, so what it builds and where it writes it are unknown.`);
  for (const build of foreign) reasons.push(`\`${brief(build)}\` is not a Go or C build: only Go and C programs can be moved to a small runtime image with certainty about what they need there.`);
  if (builds.length === 0) reasons.push(`${target.rootImage} is a compiler image, but the Dockerfile builds no program of its own in it (a CI or development image?).`);
  if (reasons.length > 0) return { reasons };
  if (natives.length !== 1) return { reasons: [`The stage builds ${natives.length} programs (${natives.map(brief).join('; ')}); a split keeps exactly one.`] };
  const build = natives[0];
  if (!build.output) return { reasons: [`Cannot tell where \`${brief(build)}\` writes the program; give it an explicit output (\`-o /path/to/program\`).`] };
  return { build, output: build.output };
}

function brief(build: BuildCommand): string {
  const full = build.argv.join(' ');
  return full.length > 60 ? full.slice(0, 59) + '…' : full;
}

interface Startup {
  /** The new ENTRYPOINT and CMD lines, in their original order. */
  lines: Map<Instruction, string>;
}

/** ENTRYPOINT (else CMD) must run the built program; it is rewritten to exec form with the new path. A reason when not. */
function startupOf(facts: Facts, target: Stage, output: string): Startup | string {
  const entrypoint = lastInstructionIn([target], 'ENTRYPOINT');
  const cmd = lastInstructionIn([target], 'CMD');
  const runner = entrypoint ?? cmd;
  if (!runner) return `The image has no CMD or ENTRYPOINT, so how the program ${output} starts is unknown.`;
  const argv = argvOf(facts.doc, runner);
  if (!argv) return `${runner.getKeyword()} needs a shell (\`${runner.getArgumentsContent()?.trim()}\`), which a small runtime image does not have; write it as a plain command.`;
  if (!runsProgram(facts, target, runner, argv[0], output)) return `${runner.getKeyword()} runs \`${argv[0]}\`, not the program the stage builds (${output}).`;
  const lines = new Map<Instruction, string>();
  lines.set(runner, `${runner.getInstruction()} ${JSON.stringify([runtimePath(output), ...argv.slice(1)])}`);
  if (entrypoint && cmd) {
    const args = argvOf(facts.doc, cmd);
    if (!args || commandOf(facts.doc, cmd)?.form !== 'exec') return 'The CMD after the ENTRYPOINT is in shell form; write it in exec form (a JSON array).';
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

/** What the new stage copies must mean the same there: literal ENVs, users the runtime has (or gets from the build stage). */
function unportable(facts: Facts, target: Stage, runtime: SlimRuntime): string[] {
  const reasons: string[] = [];
  for (const instruction of target.instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'HEALTHCHECK') reasons.push(`HEALTHCHECK runs \`${instruction.getArgumentsContent()?.trim()}\` in the image, and the tools it uses would not be in a small runtime image.`);
    if (keyword === 'ONBUILD') reasons.push('ONBUILD instructions run in images built from this one; where they belong after a split is for you to decide.');
    if (keyword === 'ENV' && runtimeEnvText(facts.doc, instruction as Env)?.includes('$')) reasons.push(`\`${textOf(facts.doc, instruction.getRange())}\` refers to variables, which would have other values in the runtime stage.`);
  }
  const user = lastInstructionIn([target], 'USER')?.getArgumentsContent()?.trim();
  if (user !== undefined && !knownUser(facts, target, user, runtime)) {
    reasons.push(`USER ${user} names a user that a small runtime image does not have; use a numeric id (e.g. 65532:65532).`);
  }
  return reasons;
}

function knownUser(facts: Facts, target: Stage, user: string, runtime: SlimRuntime): boolean {
  // On scratch, SLIM004's fix copies /etc/passwd from the build stage that created the user.
  const created = runtime === 'scratch' || runtime === 'auto' ? accountsCreatedIn(facts.doc, target).users : [];
  return user.split(':').every((part) => /^\d+$/.test(part) || DISTROLESS_USERS.has(part) || created.includes(part));
}

/** The ENV's assignments the program may read, as written; undefined when it has none (only build settings). */
function runtimeEnvText(doc: ParsedDockerfile, env: Env): string | undefined {
  const properties = env.getProperties();
  const kept = properties.filter((property) => !BUILD_ONLY_ENV.test(property.getName()));
  if (kept.length === 0) return undefined;
  if (kept.length === properties.length) return textOf(doc, env.getRange());
  return `${env.getInstruction()} ${kept.map((property) => textOf(doc, property.getRange())).join(' ')}`;
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

/** The first line of the comments directly above an instruction: they move with it. */
function commentStart(doc: ParsedDockerfile, instruction: Instruction): number {
  let line = instruction.getRange().start.line;
  while (line > 0 && /^\s*#/.test(doc.lines[line - 1] ?? '')) line--;
  return line;
}

/** Removes whole lines from `startLine` to the instruction's end (on the last line: up to the end, leaving the newline before it). */
function deleteLines(doc: ParsedDockerfile, startLine: number, instruction: Instruction): FileEdit {
  const { end } = instruction.getRange();
  const last = end.line + 1 >= doc.lines.length;
  return { range: { start: { line: startLine, character: 0 }, end: last ? end : { line: end.line + 1, character: 0 } }, newText: '' };
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
    const comments = MOVED.has(name) ? doc.lines.slice(commentStart(doc, instruction), instruction.getRange().start.line) : [];
    if (startup) lines.push(...comments, startup);
    else if (name === 'EXPOSE') lines.push(...comments, textOf(doc, instruction.getRange()));
    else if (name === 'ENV') lines.push(...[runtimeEnvText(doc, instruction as Env) ?? []].flat());
    else if (COPIED.has(name) && (name !== 'USER' || instruction === lastUser)) lines.push(textOf(doc, instruction.getRange()));
  }
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const lastLine = doc.lines.length - 1;
  const end = { line: lastLine, character: doc.lines[lastLine].length };
  const separator = stage.endsWithNewline ? eol : eol + eol;
  return { range: { start: end, end }, newText: separator + lines.join(eol) + eol };
}
