// The engine's stdout for `save`: a local socket pair instead of a pipe, so that it can
// be read into one reused buffer (net.Socket's `onread`). Reading a child's pipe the
// usual way allocates a fresh 64 KiB buffer per read; for an archive of hundreds of MB
// that is thousands of page faults and several full garbage collections, which made the
// inspector a third slower than `docker save > /dev/null` (bench/inspect.ts).
// No `vscode` import.
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Reads are at most this large; a local socket rarely holds more. */
const READ_BYTES = 512 << 10;

export interface StdoutChannel {
  /** Give this to the child as its stdout, then destroy this process's copy. */
  writer: net.Socket;
  /** What the child writes. Each chunk is borrowed: valid until the next one is asked for. */
  chunks: AsyncIterable<Buffer>;
}

/**
 * Opens the pair, or returns undefined where local sockets cannot be used (Windows, or a
 * temp folder that refuses them): the caller then reads a pipe.
 */
export async function openStdoutChannel(): Promise<StdoutChannel | undefined> {
  if (process.platform === 'win32') return undefined;
  const server = net.createServer();
  let dir: string | undefined;
  let socket: net.Socket | undefined;
  try {
    // A fresh 0700 folder: no other user can connect before we do.
    dir = await mkdtemp(path.join(os.tmpdir(), 'dockerfile-slim-'));
    const address = path.join(dir, 'stdout');
    server.listen(address);
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[net.Socket]>;
    const reader = new BorrowedChunks();
    socket = net.connect({ path: address, onread: { buffer: reader.buffer, callback: (length: number) => reader.onRead(length) } });
    reader.attach(socket);
    const [[writer]] = await Promise.all([accepted, once(socket, 'connect')]);
    return { writer, chunks: reader };
  } catch {
    socket?.destroy();
    return undefined;
  } finally {
    server.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

class BorrowedChunks implements AsyncIterable<Buffer> {
  readonly buffer = Buffer.allocUnsafe(READ_BYTES);
  private socket: net.Socket | undefined;
  private chunk: Buffer | undefined;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  attach(socket: net.Socket): void {
    this.socket = socket;
    socket.on('end', () => this.finish());
    socket.on('close', () => this.finish());
    socket.on('error', (error) => this.finish(error));
  }

  /** Keeps the socket paused until the consumer asks for the next chunk: the buffer is reused. */
  onRead(length: number): false {
    this.chunk = this.buffer.subarray(0, length);
    this.notify();
    return false;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const socket = this.socket as net.Socket;
    try {
      for (;;) {
        const chunk = this.chunk;
        if (chunk) {
          this.chunk = undefined;
          yield chunk;
          socket.resume();
        } else if (this.failure) throw this.failure;
        else if (this.ended) return;
        else await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      socket.destroy();
    }
  }

  private finish(error?: Error): void {
    this.failure ??= error;
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
