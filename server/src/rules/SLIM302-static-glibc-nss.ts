// SLIM302: a C program linked with -static against glibc calls getaddrinfo,
// getpwnam, dlopen…: glibc still loads shared NSS modules for them at run time, from
// the glibc version it was linked with. Reported on each call in the C sources and
// summarised on the link command. No fix: the remedy is a musl toolchain.
import type { BuildCommand } from '../facts/builds';
import type { Facts } from '../facts/model';
import { buildsForTarget, type CallSite } from '../facts/sources';
import { buildLibc, cLinkIsStatic, sourceFindings, stageLabel, type SourceProblem } from './go-c-builds';
import type { Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM302',
    name: 'static-glibc-nss',
    severity: 'warning',
    fixable: false,
    summary: 'A static glibc C program calls NSS functions (getaddrinfo, getpwnam, dlopen…) that load shared libraries at run time.',
  },
  check(facts) {
    return sourceFindings('SLIM302', buildsForTarget(facts).flatMap((build) => problemOf(facts, build) ?? []));
  },
};

/** A link with `-static` (or `-static-pie`, `-Wl,-static`) against glibc (not through a musl wrapper) whose sources call NSS functions. */
function problemOf(facts: Facts, build: BuildCommand): SourceProblem<CallSite> | undefined {
  if (build.kind !== 'c-link' || !cLinkIsStatic(build) || buildLibc(build) !== 'glibc') return undefined;
  const calls = facts.sources.get(build)?.nssCalls ?? [];
  if (calls.length === 0) return undefined;
  return { build, sites: calls, siteMessage: (call) => callMessage(facts, build, call), summary: summaryMessage(build, calls), fixes: [] };
}

function warning(name: string): string {
  return `\`Using '${name}' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\``;
}

function consequence(name: string): string {
  if (name === 'dlopen') return 'it can load only libraries built for that exact glibc, which a scratch or distroless image does not have';
  return 'glibc loads its NSS modules (libnss_*.so) for it at run time: where they are missing (scratch, distroless/static) or come from another glibc version, lookups through nsswitch.conf sources other than files and DNS fail, and a mismatched glibc can crash the program';
}

function callMessage(facts: Facts, build: BuildCommand, call: CallSite): string {
  const image = build.stage.rootImage ?? 'a glibc image';
  return (
    `\`${call.name}\` in a program linked with -static against glibc (stage ${stageLabel(build.stage)}, ${image}): ${consequence(call.name)}. ` +
    `The linker warns ${warning(call.name)}. ${remedy(facts)}`
  );
}

function summaryMessage(build: BuildCommand, calls: readonly CallSite[]): string {
  const first = calls[0];
  const where = `${first.path}:${first.range.start.line + 1}`;
  const names = [...new Set(calls.map((call) => `\`${call.name}\``))].join(', ');
  return (
    `This link is static against glibc (${build.stage.rootImage ?? 'a glibc builder'}), but the sources call ${names}, which need glibc's shared NSS modules or dlopen at run time: ` +
    `the linker warns ${warning(first.name)}. Build with a musl toolchain (an alpine builder, or musl-gcc) for a self-contained static binary. (see ${where})`
  );
}

function remedy(facts: Facts): string {
  const runtime = facts.target?.base.libc;
  const keepDynamic = runtime === 'glibc' ? ' or drop -static and ship it on the glibc runtime' : '';
  return `Build with a musl toolchain (an alpine builder, or musl-gcc), whose static libc needs no shared modules${keepDynamic}.`;
}
