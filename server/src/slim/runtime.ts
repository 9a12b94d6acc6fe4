// Which runtime image a program built in a toolchain stage can run on: the base follows
// how the artifact is (or, after the preferred fixes, will be) linked.
import { parseImageRef } from '../facts/base-images';
import type { BuildCommand } from '../facts/builds';
import type { Facts, Stage } from '../facts/model';
import { cgoState, cgoUse, cLinkIsStatic, isGoBuild, staticDespiteCgo } from '../rules/go-c-builds';

export type SlimRuntime = 'auto' | 'scratch' | 'distroless' | 'alpine';
export const SLIM_RUNTIMES: readonly SlimRuntime[] = ['auto', 'scratch', 'distroless', 'alpine'];

/** Alpine's current stable branch: a tag, so SLIM007 has nothing to say. */
export const ALPINE_IMAGE = 'alpine:3.20';

/**
 * 'static': no libc needed, or none once SLIM201 turns cgo off (the sources show no cgo use);
 * 'glibc' / 'musl': dynamically linked against the builder's C library.
 */
export type Linkage = 'static' | 'glibc' | 'musl';

export type RuntimeChoice = { image: string; linkage: Linkage } | { reason: string };

export function chooseRuntime(facts: Facts, target: Stage, build: BuildCommand, runtime: SlimRuntime): RuntimeChoice {
  const linkage = linkageOf(facts, target, build);
  if (typeof linkage !== 'string') return linkage;
  const debian = /trixie/.test(parseImageRef(target.rootImage ?? '').tag ?? '') ? 'debian13' : 'debian12';
  const dynamic = build.kind === 'c-link' ? `gcr.io/distroless/cc-${debian}` : `gcr.io/distroless/base-${debian}`;
  switch (runtime) {
    case 'scratch':
      // SLIM201, SLIM202 and SLIM301 then link the program statically.
      return { image: 'scratch', linkage: 'static' };
    case 'distroless':
      if (linkage === 'musl') return { reason: `The program is linked against musl (built in ${target.rootImage}); distroless images have glibc. Choose the alpine or scratch runtime.` };
      return { image: linkage === 'static' ? `gcr.io/distroless/static-${debian}` : dynamic, linkage };
    case 'alpine':
      if (linkage === 'glibc') return { reason: `The program is linked against glibc (built in ${target.rootImage}); alpine has musl, so it would not start. Choose the auto, scratch or distroless runtime, or build with CGO_ENABLED=0 / -static.` };
      return { image: ALPINE_IMAGE, linkage };
    case 'auto':
      return { image: linkage === 'static' ? 'scratch' : linkage === 'glibc' ? dynamic : ALPINE_IMAGE, linkage };
  }
}

function linkageOf(facts: Facts, target: Stage, build: BuildCommand): Linkage | { reason: string } {
  const libc = target.base.libc;
  const dynamic = libc === 'glibc' || libc === 'musl' ? libc : undefined;
  if (build.kind === 'c-link') {
    if (cLinkIsStatic(build)) return 'static';
    return dynamic ?? { reason: `Cannot tell which C library ${target.rootImage} links against, so no runtime image is sure to run the program.` };
  }
  if (!isGoBuild(build)) return { reason: `\`${build.argv.join(' ')}\` is not a Go or C build.` };
  const cgo = cgoState(facts, build);
  if (cgo === 'off' || staticDespiteCgo(build)) return 'static';
  if (cgo === 'unknown') return { reason: `Cannot tell whether \`go ${build.argv[1]}\` runs with cgo on (CGO_ENABLED or the target platform is set to a value the Dockerfile does not show), so the runtime's C library is unknown.` };
  const use = cgoUse(facts, build);
  // Sources not visible: cgo stays on and the program needs the builder's libc.
  if (use.needsCgo || use.answer === 'unknown') return dynamic ?? { reason: `Cannot tell which C library ${target.rootImage} links against.` };
  return 'static';
}
