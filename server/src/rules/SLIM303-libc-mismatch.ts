// SLIM303: a dynamically linked program built against one libc (musl or glibc) and
// shipped on the other. Its loader is missing there, and the container fails with
// "exec /app: no such file or directory".
import type { Copy } from 'dockerfile-ast';
import type { Libc } from '../facts/base-images';
import type { BuildCommand } from '../facts/builds';
import { copyPaths } from '../facts/extract';
import type { Facts, Stage } from '../facts/model';
import {
  buildFindings,
  buildLibc,
  cgoState,
  cgoUse,
  cLinkIsNotAProgram,
  cLinkIsStatic,
  goFlag,
  isGoBuild,
  linkedBuilds,
  packageInstall,
  packageName,
  pureGoNetAndUser,
  runtimeImage,
  shippedPath,
  stageLabel,
  stageCommands,
  staticDespiteCgo,
} from './go-c-builds';
import type { FindingSeverity, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM303',
    name: 'libc-mismatch',
    severity: 'error',
    fixable: false,
    summary: 'A dynamically linked program built against musl ships on glibc, or the reverse: its loader is not there.',
  },
  check(facts) {
    const target = facts.target;
    const runtimeLibc = target?.base.libc;
    if (!target || (runtimeLibc !== 'musl' && runtimeLibc !== 'glibc')) return [];
    const mismatched = (build: BuildCommand) => isDynamic(facts, build) && opposite(buildLibc(build), runtimeLibc);
    const builds = linkedBuilds(facts, mismatched);
    if (builds.length === 0 || runtimeHasOtherLoader(facts, runtimeLibc)) return [];
    const problems = builds.map((build) => ({ build, upTo: isGoBuild(build) ? 1 : 0, message: messageOf(facts, target, build, runtimeLibc), fixes: [], severity: severityOf(facts, build) }));
    return buildFindings('SLIM303', problems);
  },
};

/** A Go binary with cgo on needs libc only when its code uses it: a warning until the sources show that it does. */
function severityOf(facts: Facts, build: BuildCommand): FindingSeverity | undefined {
  return isGoBuild(build) && cgoUse(facts, build).answer !== 'yes' ? 'warning' : undefined;
}

function opposite(built: Libc, runtime: Libc): boolean {
  return (built === 'musl' && runtime === 'glibc') || (built === 'glibc' && runtime === 'musl');
}

/** Needs a libc loader at run time: a C link without -static, or a Go build with cgo on that links libc code dynamically. */
function isDynamic(facts: Facts, build: BuildCommand): boolean {
  if (build.kind === 'c-link') return !cLinkIsStatic(build) && !cLinkIsNotAProgram(build);
  if (!isGoBuild(build) || cgoState(facts, build) !== 'on') return false;
  if (!goFlag(build, 'ldflags').known || !goFlag(build, 'tags').known) return false;
  // With every source visible and none needing libc, Go links statically even with cgo on.
  return !pureGoNetAndUser(build) && !staticDespiteCgo(build) && cgoUse(facts, build).answer !== 'no';
}

// ---------------------------------------------------------------------------
// The runtime may carry the other libc's loader: gcompat / libc6-compat on musl, Debian's musl package on glibc, or a copied loader.

const MUSL_COMPAT = /^(gcompat|libc6-compat)$/;
const GLIBC_HOSTS_MUSL = /^(musl|musl-tools|musl-dev)$/;
const LIBRARY_DIRS = /^\/(lib|lib64|usr\/lib|usr\/lib64|usr\/local\/lib)(\/|$)/;

function runtimeHasOtherLoader(facts: Facts, runtimeLibc: Libc): boolean {
  const wanted = runtimeLibc === 'musl' ? MUSL_COMPAT : GLIBC_HOSTS_MUSL;
  return facts.runtimeChain.some((stage) => installs(facts, stage, wanted) || copiesLibraries(stage));
}

function installs(facts: Facts, stage: Stage, wanted: RegExp): boolean {
  return stageCommands(facts, stage).some((command) => {
    const install = packageInstall(command);
    if (!install || install.manager === 'rpm' || install.cross) return false;
    return install.args.some((arg) => arg !== undefined && wanted.test(packageName(arg)));
  });
}

/** A COPY or ADD of a loader or into a library directory: the program may find what it needs. */
function copiesLibraries(stage: Stage): boolean {
  return stage.instructions.some((instruction) => {
    if (!/^(COPY|ADD)$/.test(instruction.getKeyword())) return false;
    const { sources, destination } = copyPaths(instruction as Copy);
    return LIBRARY_DIRS.test(destination) || sources.some((source) => /ld-(musl|linux)|\/lib(64)?\/?$|libc\.(so|musl)/.test(source));
  });
}

// ---------------------------------------------------------------------------
// Message: both stages, the missing loader, what to do.

function messageOf(facts: Facts, target: Stage, build: BuildCommand, runtimeLibc: Libc): string {
  const built = runtimeLibc === 'glibc' ? 'musl' : 'glibc';
  const file = shippedPath(facts, build);
  const loader = built === 'musl' ? "musl's loader /lib/ld-musl-<arch>.so.1" : "glibc's loader /lib64/ld-linux-<arch>.so.2";
  const staticFlag = isGoBuild(build) ? '`CGO_ENABLED=0`' : '`-static`';
  const remedies =
    built === 'glibc'
      ? `Build it statically (${staticFlag}), build it in a musl builder, or install \`gcompat\` in the runtime.`
      : `Build it statically (${staticFlag}), or build and run it on the same libc.`;
  return (
    `${linking(facts, build, file ? `\`${file}\`` : 'the program', built)}, but the runtime stage ${stageLabel(target)} ` +
    `(${runtimeImage(facts)}) has ${runtimeLibc}: ${loader} is not there, so the container fails to start with ` +
    `\`exec ${file ?? '/program'}: no such file or directory\`. ${remedies}`
  );
}

/** What the build links dynamically, and for Go why. */
function linking(facts: Facts, build: BuildCommand, program: string, libc: string): string {
  const stage = `in stage ${stageLabel(build.stage)}`;
  if (!isGoBuild(build)) return `\`${build.tool}\` ${stage} links ${program} dynamically against ${libc}`;
  const command = `\`go ${build.argv[1]}\` ${stage}`;
  const evidence = cgoUse(facts, build).evidence;
  if (!evidence) return `${command} runs with cgo on, so ${program} is linked dynamically against ${libc} once the program or a dependency uses \`net\`, \`os/user\` or cgo`;
  const where = `${evidence.location.path}:${evidence.location.range.start.line + 1}`;
  const reason = evidence.what === 'import "C"' ? `${where} has \`import "C"\`` : `the program imports \`${evidence.what}\` (${where})`;
  return `${command} runs with cgo on and ${reason}, so ${program} is linked dynamically against ${libc}`;
}
