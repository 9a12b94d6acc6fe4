// Which commands build: go build/install, C compile-and-link, make and scripts
// (followed later), other toolchains' build commands.
import path from 'node:path';
import { build } from './build-command';
import { cLink } from './c-link';
import { goBuild } from './go';
import { makeBuild, scriptBuild } from './indirect';
import type { BuildCommand, ResolvedCommand } from './types';

const C_COMPILER = /^(?:[\w.]+-)*(?:gcc|g\+\+|cc|c\+\+|clang|clang\+\+)(?:-\d+(?:\.\d+)*)?$/;

export function classify(command: ResolvedCommand): BuildCommand | undefined {
  const name = path.posix.basename(command.argv[0] ?? '');
  const tool = name.replace(/^xx-/, '');
  if (tool === 'go' && command.argv[1] === 'build') return goBuild(command, 'go-build');
  if (tool === 'go' && command.argv[1] === 'install') return goBuild(command, 'go-install');
  if (C_COMPILER.test(tool) || tool === 'musl-gcc' || tool === 'musl-clang') return cLink(command, tool);
  if (tool === 'make' || tool === 'gmake') return makeBuild(command, tool);
  const script = scriptBuild(command);
  if (script) return script;
  if (isOtherBuild(tool, command.argv.slice(1))) return build(command, 'other', tool, {});
  return undefined;
}

/** Other toolchains' build commands, by program and the subcommand or task that builds. */
const OTHER_BUILDS: Record<string, RegExp> = {
  cargo: /^(build|b|install|rustc)$/,
  mvn: /^(package|install|verify|deploy)$/,
  mvnw: /^(package|install|verify|deploy)$/,
  gradle: /^(build|assemble|jar|bootJar|war|bootWar|shadowJar|installDist|distZip|distTar|nativeCompile)$/,
  gradlew: /^(build|assemble|jar|bootJar|war|bootWar|shadowJar|installDist|distZip|distTar|nativeCompile)$/,
  dotnet: /^(build|publish)$/,
  cmake: /^--build$/,
  meson: /^compile$/,
  zig: /^(build|build-exe)$/,
  swift: /^build$/,
};

function isOtherBuild(tool: string, args: readonly string[]): boolean {
  const informational = args.some((arg) => /^(--?version|-V|--?help|-h|-t)$/.test(arg));
  if (tool === 'rustc' || tool === 'javac') return args.length > 0 && !informational;
  if (tool === 'ninja') return !informational;
  const pattern = OTHER_BUILDS[tool];
  return pattern !== undefined && args.some((arg) => pattern.test(arg));
}
