// SLIM302: a C program linked with -static against glibc calls getaddrinfo,
// getpwnam, dlopen…: glibc still loads shared NSS modules for them at run time, from
// the glibc version it was linked with. Reported on each call in the C sources and
// summarised on the link command. No fix: the remedy is a musl toolchain.
import type { BuildCommand } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { buildsForTarget, type CallSite } from '../facts/sources';
import type { Finding, Rule } from './types';

export const rule: Rule = {
  meta: {
    code: 'SLIM302',
    name: 'static-glibc-nss',
    severity: 'warning',
    fixable: false,
    summary: 'A static glibc C program calls NSS functions (getaddrinfo, getpwnam, dlopen…) that load shared libraries at run time.',
  },
  check(facts) {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const build of buildsForTarget(facts)) {
      if (build.kind !== 'c-link' || !linksStaticGlibc(build)) continue;
      const calls = facts.sources.get(build)?.nssCalls ?? [];
      if (calls.length === 0) continue;
      for (const call of calls) {
        const key = `${call.path}:${call.range.start.line}:${call.range.start.character}`;
        if (reported.has(key)) continue;
        reported.add(key);
        findings.push({ code: 'SLIM302', path: call.path, range: call.range, message: callMessage(facts, build, call), fixes: [] });
      }
      findings.push({ code: 'SLIM302', range: build.range, message: summaryMessage(build, calls), fixes: [] });
    }
    return findings;
  },
};

const MUSL_COMPILER = /(^|-)musl(-|$)/;

/** `-static` (or `-static-pie`, `-Wl,-static`) with a glibc compiler: the builder's, unless it is a musl wrapper. */
function linksStaticGlibc(build: BuildCommand): boolean {
  const isStatic = build.static || build.argv.some((arg) => /^-Wl,(.*,)?-?-static(,|$)/.test(arg));
  return isStatic && !MUSL_COMPILER.test(build.tool) && build.stage.base.libc === 'glibc';
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

function stageLabel(stage: Stage): string {
  return stage.name ? `\`${stage.name}\`` : `#${stage.index}`;
}
