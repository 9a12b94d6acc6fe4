// The spec's table of base image classes, as data. Rules ask what a root base
// provides; `unknown` answers "unknown" so that no shell/libc/certs rule fires on it.

export type BaseClass = 'empty' | 'static' | 'distroless-libc' | 'musl' | 'glibc' | 'unknown';
export type Provision = 'yes' | 'no' | 'unknown';
export type Libc = 'none' | 'musl' | 'glibc' | 'unknown';

export interface BaseImageInfo {
  class: BaseClass;
  shell: Provision;
  libc: Libc;
  caBundle: Provision;
  /** Users in /etc/passwd; undefined when unknown. */
  users: readonly string[] | undefined;
  /** Runs as a non-root user without a USER instruction (`:nonroot` distroless, Chainguard). */
  nonrootByDefault: boolean;
  /** A compiler image (golang, gcc, rust, maven, gradle, JDKs). */
  toolchain: boolean;
}

export interface ImageRef {
  /** Lowercased repository path without `docker.io/` and `library/`, e.g. `golang`, `gcr.io/distroless/static-debian12`. */
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

const DISTROLESS_USERS = ['root', 'nobody', 'nonroot'];

interface ClassRow {
  class: BaseClass;
  shell: Provision;
  libc: Libc;
  users: readonly string[] | undefined;
}

const CLASSES: Record<BaseClass, ClassRow> = {
  empty: { class: 'empty', shell: 'no', libc: 'none', users: [] },
  static: { class: 'static', shell: 'no', libc: 'none', users: DISTROLESS_USERS },
  'distroless-libc': { class: 'distroless-libc', shell: 'no', libc: 'glibc', users: DISTROLESS_USERS },
  musl: { class: 'musl', shell: 'yes', libc: 'musl', users: ['root'] },
  glibc: { class: 'glibc', shell: 'yes', libc: 'glibc', users: ['root'] },
  unknown: { class: 'unknown', shell: 'unknown', libc: 'unknown', users: undefined },
};

const TOOLCHAINS = [/^golang$/, /^gcc$/, /^rust$/, /^maven$/, /^gradle$/, /^openjdk$/, /^amazoncorretto$/];

export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const name = rest.toLowerCase().replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  return { name, tag, digest };
}

export function classifyImage(ref: string): BaseImageInfo {
  const image = parseImageRef(ref);
  const cls = classOf(image);
  const row = CLASSES[cls];
  const chainguard = image.name.startsWith('cgr.dev/chainguard/');
  // distroless :debug tags carry busybox, Chainguard's -dev tags a shell and apk; whether /bin/sh exists is not certain.
  const mayHaveShell = /(^|-)debug/.test(image.tag ?? '') || (chainguard && /(^|-)dev$/.test(image.tag ?? ''));
  return {
    class: cls,
    shell: mayHaveShell && (cls === 'static' || cls === 'distroless-libc') ? 'unknown' : row.shell,
    libc: row.libc,
    caBundle: caBundleOf(cls, image),
    users: row.users,
    nonrootByDefault: chainguard || (image.name.startsWith('gcr.io/distroless/') && /nonroot/.test(image.tag ?? '')),
    toolchain: isToolchain(image),
  };
}

function classOf({ name, tag = '' }: ImageRef): BaseClass {
  if (name === 'scratch') return 'empty';
  if (/^gcr\.io\/distroless\/static/.test(name) || name === 'cgr.dev/chainguard/static') return 'static';
  if (/^gcr\.io\/distroless\/(base|cc|java|python3|nodejs)/.test(name)) return 'distroless-libc';
  if (name === 'alpine' || name.startsWith('alpine/') || /alpine/.test(tag) || (name === 'busybox' && /musl/.test(tag))) return 'musl';
  if (/^(debian|ubuntu|golang|gcc|buildpack-deps)$/.test(name) || /(^|-)slim(-|$)/.test(tag)) return 'glibc';
  return 'unknown';
}

function caBundleOf(cls: BaseClass, { name }: ImageRef): Provision {
  switch (cls) {
    case 'empty':
      return 'no';
    case 'static':
    case 'distroless-libc':
      return 'yes';
    case 'musl':
      return name === 'busybox' ? 'no' : 'yes';
    case 'glibc':
      return name === 'debian' || name === 'ubuntu' ? 'no' : 'yes';
    case 'unknown':
      return 'unknown';
  }
}

function isToolchain({ name, tag = '' }: ImageRef): boolean {
  if (name === 'eclipse-temurin') return /jdk/.test(tag);
  return TOOLCHAINS.some((pattern) => pattern.test(name));
}
