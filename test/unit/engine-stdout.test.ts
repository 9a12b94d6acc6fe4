// The engine's stdout read through a local socket pair into one reused buffer
// (server/src/engine/stdout-channel.ts), with node standing in for the engine's CLI.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { streamEngine, type EngineCommand } from '../../server/src/engine/engine';
import { openStdoutChannel } from '../../server/src/engine/stdout-channel';

const NODE: EngineCommand = { kind: 'docker', executable: process.execPath };
const MEGABYTES = 24;

/** A child that writes MEGABYTES of numbered lines in writes of varying size, as `docker save` writes its archive. */
const WRITER = `
const total = ${MEGABYTES} << 20;
let line = 0, written = 0, size = 1;
function next() {
  while (written < total) {
    let text = '';
    while (text.length < size) text += 'line ' + line++ + '\\n';
    size = size * 7 % 300000 + 1;
    written += text.length;
    if (!process.stdout.write(text)) return process.stdout.once('drain', next);
  }
}
next();
`;

function expectedDigest(): string {
  const hash = createHash('sha256');
  const total = MEGABYTES << 20;
  let line = 0;
  let written = 0;
  let size = 1;
  while (written < total) {
    let text = '';
    while (text.length < size) text += `line ${line++}\n`;
    size = (size * 7) % 300000 + 1;
    written += text.length;
    hash.update(text);
  }
  return hash.digest('hex');
}

async function readAll(chunks: AsyncIterable<Buffer>): Promise<{ digest: string; reads: number; memories: Set<ArrayBufferLike> }> {
  const hash = createHash('sha256');
  const memories = new Set<ArrayBufferLike>();
  let reads = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    memories.add(chunk.buffer);
    reads++;
  }
  return { digest: hash.digest('hex'), reads, memories };
}

describe('engine stdout through a reused buffer', () => {
  test('every byte arrives, in order, in one reused buffer', async () => {
    const started = streamEngine(NODE, ['-e', WRITER]);
    const read = await readAll(started.chunks);
    assert.equal((await started.result).exitCode, 0);
    assert.equal(read.digest, expectedDigest());
    assert.ok(read.reads > 10, `${read.reads} reads`);
    assert.equal(read.memories.size, 1, 'each chunk is a view of the same memory');
  });

  test('stopping early closes the socket: the writer fails instead of waiting forever', async () => {
    const started = streamEngine(NODE, ['-e', WRITER]);
    for await (const chunk of started.chunks) {
      assert.ok(chunk.length > 0);
      break;
    }
    const result = await started.result;
    assert.notEqual(result.exitCode, 0, 'the writer met a closed socket');
    assert.match(result.stderrTail, /EPIPE|ECONNRESET/);
  });

  test('without a usable temp folder it reads a pipe, and nothing is lost', async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent/dockerfile-slim-test';
    try {
      assert.equal(await openStdoutChannel(), undefined);
      const started = streamEngine(NODE, ['-e', WRITER]);
      const read = await readAll(started.chunks);
      assert.equal((await started.result).exitCode, 0);
      assert.equal(read.digest, expectedDigest());
      assert.ok(read.memories.size > 1, 'a pipe gives fresh memory per read');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  test('a CLI that cannot be started yields nothing and reports why', async () => {
    const started = streamEngine({ kind: 'docker', executable: '/nonexistent/docker' }, ['save', 'x']);
    assert.equal((await readAll(started.chunks)).reads, 0);
    assert.equal((await started.result).spawnError?.code, 'ENOENT');
  });

  test('a cancelled command yields nothing and says it was aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const started = streamEngine(NODE, ['-e', WRITER], { signal: controller.signal });
    assert.equal((await readAll(started.chunks)).reads, 0);
    assert.equal((await started.result).aborted, true);
  });
});
