// Benchmark of the image inspector (a table, not a test), against the real engine:
//   node --import tsx bench/inspect.ts
//
// 1. Time: `inspectImage()` (image inspect + save streamed through the tar reader, ELF
//    scan, checks) against plain `docker save IMAGE > /dev/null` on the same ~120 MB
//    image (debian:bookworm-slim plus a layer of libraries and data), in interleaved
//    rounds after a warm-up, so load from other processes falls on both alike.
//    Target: the inspector's median at most 1.3× the save's.
// 2. Memory: peak RSS (the process's maxRSS) of a fresh process that inspects an image
//    of more than 1 GB (golang:1.19 plus ~330 MB of files, some deleted later). The
//    child is this file bundled with esbuild and run by plain node, as the shipped
//    bundles run. Target: under 200 MB.
// Needs the engine and base images of scripts/engine-setup.sh; prints why when not.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EngineCommand } from '../server/src/engine/engine';
import { inspectImage, type InspectReport } from '../server/src/image/engine-cli';
import { formatBytes } from '../server/src/image/inspect';

const ROOT = path.join(__dirname, '..');
const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const ENGINE: EngineCommand = { kind: 'docker', executable: DOCKER };
const ROUNDS = 11;
const TARGET_RATIO = 1.3;
const TARGET_RSS_MB = 200;
/** Bump when a Dockerfile below changes, so stale bench images are rebuilt. */
const RECIPE = '1';
const LABEL = 'org.dockerfile-slim.bench';

const IMAGES = {
  medium: {
    tag: `dockerfile-slim-bench/inspect-120mb:${RECIPE}`,
    dockerfile: `FROM debian:bookworm-slim
RUN mkdir -p /opt/data && cp -a /usr/lib/x86_64-linux-gnu /opt/data/lib && head -c 5000000 /dev/urandom > /opt/data/blob
LABEL ${LABEL}=${RECIPE}
`,
  },
  large: {
    tag: `dockerfile-slim-bench/inspect-1gb:${RECIPE}`,
    dockerfile: `FROM golang:1.19
RUN mkdir -p /data && i=0; while [ $i -lt 330 ]; do head -c 1000000 /dev/urandom > /data/f$i; i=$((i+1)); done
RUN rm -f /data/f1?
LABEL ${LABEL}=${RECIPE}
`,
  },
};

function run(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdout?: 'devnull' } = {}): Promise<{ code: number | null; ms: number; stdout: string; stderr: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const devnull = options.stdout === 'devnull' ? openSync('/dev/null', 'w') : undefined;
    const child = spawn(file, args, { env: options.env ?? process.env, stdio: ['ignore', devnull ?? 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (devnull !== undefined) closeSync(devnull);
      resolve({ code, ms: Number(process.hrtime.bigint() - started) / 1e6, stdout, stderr });
    });
  });
}

async function ensureImage(spec: { tag: string; dockerfile: string }): Promise<void> {
  const label = spawnSync(DOCKER, ['image', 'inspect', '--format', `{{index .Config.Labels "${LABEL}"}}`, spec.tag], { encoding: 'utf8' });
  if (label.status === 0 && label.stdout.trim() === RECIPE) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slim-bench-'));
  try {
    writeFileSync(path.join(dir, 'Dockerfile'), spec.dockerfile);
    const built = await run(DOCKER, ['build', '--network', 'none', '--tag', spec.tag, dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    if (built.code !== 0) throw new Error(`docker build ${spec.tag} failed:\n${built.stderr.slice(-2000)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeRow(image: string): Promise<{ save: number; inspect: number; report: InspectReport }> {
  const saves: number[] = [];
  const inspects: number[] = [];
  let report: InspectReport | undefined;
  for (let round = -1; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always meets a warm page cache.
    const order = round % 2 === 0 ? ['save', 'inspect'] : ['inspect', 'save'];
    for (const what of order) {
      if (what === 'save') {
        const saved = await run(DOCKER, ['save', image], { stdout: 'devnull' });
        if (saved.code !== 0) throw new Error(`docker save ${image} failed: ${saved.stderr}`);
        if (round >= 0) saves.push(saved.ms);
      } else {
        const started = process.hrtime.bigint();
        report = await inspectImage({ engine: ENGINE, image });
        if (round >= 0) inspects.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
  }
  return { save: median(saves), inspect: median(inspects), report: report as InspectReport };
}

/** Bundles this file with esbuild and runs it as `--child IMAGE`; returns the child's peak RSS. */
async function memoryRow(image: string): Promise<{ maxRssMb: number; ms: number; files: number; size: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slim-bench-child-'));
  try {
    const { build } = await import('esbuild');
    const outfile = path.join(dir, 'inspect-child.js');
    await build({ entryPoints: [__filename], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['esbuild'], logLevel: 'warning' });
    const child = await run(process.execPath, [outfile, '--child', image]);
    if (child.code !== 0) throw new Error(`the inspector child failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').at(-1) as string);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function child(image: string): Promise<void> {
  const started = Date.now();
  const report = await inspectImage({ engine: ENGINE, image });
  // maxRSS is in kilobytes on Linux.
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ maxRssMb, ms: Date.now() - started, files: report.stats.files, size: report.size }) + '\n');
}

async function main(): Promise<void> {
  const info = spawnSync(DOCKER, ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.status !== 0) {
    console.log(`Image inspector benchmark skipped: no Docker engine answers (${(info.stderr || info.error?.message || '').trim()}); run scripts/engine-setup.sh first.`);
    return;
  }
  await ensureImage(IMAGES.medium);
  await ensureImage(IMAGES.large);
  const time = await timeRow(IMAGES.medium.tag);
  const memory = await memoryRow(IMAGES.large.tag);
  const ratio = time.inspect / time.save;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log('| Image inspector | image | result | target |');
  console.log('|---|---|---|---|');
  console.log(`| \`docker save IMAGE > /dev/null\`, median of ${ROUNDS} | ${formatBytes(time.report.size)}, ${time.report.layers.length} layers, ${time.report.stats.files} files | ${time.save.toFixed(0)} ms | |`);
  console.log(`| \`inspectImage()\` (inspect + save + read + checks), median of ${ROUNDS} | same, ${time.report.stats.elfFiles} ELF files | ${time.inspect.toFixed(0)} ms = ${ratio.toFixed(2)}× the save | ≤ ${TARGET_RATIO}×: ${met(ratio <= TARGET_RATIO)} |`);
  console.log(`| peak RSS of a fresh process inspecting it (bundled, plain node) | ${formatBytes(memory.size)}, ${memory.files} files | ${memory.maxRssMb.toFixed(0)} MB in ${(memory.ms / 1000).toFixed(1)} s | < ${TARGET_RSS_MB} MB: ${met(memory.maxRssMb < TARGET_RSS_MB)} |`);
  console.log(`\n${os.cpus()[0]?.model ?? 'CPU'}, ${os.availableParallelism()} cores, Node ${process.version}, docker ${info.stdout.trim()}`);
}

if (process.argv[2] === '--child') {
  child(process.argv[3]).catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
} else {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

export { ROOT };
