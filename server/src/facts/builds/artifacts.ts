// Artifacts: build outputs followed through COPY --from into the runtime chain.
import path from 'node:path';
import type { CopyLink, Stage } from '../model';
import { chainOf } from '../queries';
import { globPattern, hasGlob, isWithin, join, resolvePath } from './paths';
import type { StageScanner } from './stage-scan';
import type { Artifact, BuildCommand } from './types';

interface Located {
  build: BuildCommand;
  /** The file in the stage that holds it. */
  path: string | undefined;
  /** The directory it is in, when its name is unknown. */
  dir: string | undefined;
  link: CopyLink | undefined;
}

export function artifactsOf(target: Stage, builds: readonly BuildCommand[], copyLinks: readonly CopyLink[], scans: StageScanner): Artifact[] {
  // A followed make or script is represented by the builds it ran.
  const buildsIn = groupBy(builds.filter((b) => b.producesOutput && !b.indirect?.resolved?.length), (b) => b.stage);
  const linksInto = groupBy(copyLinks, (link) => link.into);
  const located = new Map<Stage, Located[]>();
  const locate = (stage: Stage): Located[] => {
    let found = located.get(stage);
    if (found) return found;
    located.set(stage, (found = []));
    for (const member of chainOf(stage)) {
      for (const b of buildsIn.get(member) ?? []) found.push({ build: b, path: b.output, dir: b.output ? undefined : b.outputDir, link: undefined });
      for (const link of linksInto.get(member) ?? []) {
        if (!link.source) continue;
        for (const item of locate(link.source)) {
          const copied = throughCopy(item, link, scans.scan(member).workdirAt.get(link.copy));
          if (copied) found.push(copied);
        }
      }
    }
    return found;
  };
  return locate(target).map((item) => ({ build: item.build, path: item.path, link: item.link, tlsUse: 'unknown' as const }));
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Where `item` lands when `link` copies it, or undefined when the COPY does not include it. */
function throughCopy(item: Located, link: CopyLink, workdir: string | undefined): Located | undefined {
  const destination = link.destination;
  const destDir = resolvePath(workdir, destination);
  const intoDir = destination.endsWith('/') || destination === '.' || link.sources.length > 1;
  for (const source of link.sources) {
    // COPY --from sources are relative to the source stage's root.
    const pattern = resolvePath('/', source);
    if (pattern === undefined) continue;
    const landed = landing(item, pattern, destDir, intoDir);
    if (landed) return { ...landed, build: item.build, link };
  }
  return undefined;
}

function landing(item: Located, source: string, dest: string | undefined, intoDir: boolean): Pick<Located, 'path' | 'dir'> | undefined {
  const entry = matchedEntry(source, item.path ?? item.dir);
  if (item.path !== undefined && entry !== undefined) {
    if (entry === item.path) return { path: dest === undefined ? undefined : intoDir || hasGlob(source) ? join(dest, path.posix.basename(item.path)) : dest, dir: undefined };
    return { path: dest === undefined ? undefined : join(dest, path.posix.relative(entry, item.path)), dir: undefined };
  }
  if (item.dir === undefined) return undefined;
  if (entry !== undefined) return { path: undefined, dir: dest === undefined ? undefined : join(dest, path.posix.relative(entry, item.dir)) };
  // `go build` of the current package: its name is the module's, which is often the directory's.
  if (source === join(item.dir, path.posix.basename(item.dir)) && item.dir !== '/') {
    return { path: dest === undefined ? undefined : intoDir ? join(dest, path.posix.basename(source)) : dest, dir: undefined };
  }
  return undefined;
}

/** The path the COPY source names that is `target` or a directory holding it. */
function matchedEntry(source: string, target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  if (!hasGlob(source)) return isWithin(target, source) ? source : undefined;
  const pattern = globPattern(source);
  const elements = target.split('/');
  for (let n = 2; n <= elements.length; n++) {
    const prefix = elements.slice(0, n).join('/');
    if (pattern.test(prefix)) return prefix;
  }
  return undefined;
}
