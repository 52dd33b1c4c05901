/** Reading worker logs: the last N lines, and lines as they are appended. */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 64 * 1024;

/** The last `count` lines, reading backwards in chunks so a huge log costs only its tail. */
export async function tailLines(
  path: string,
  count: number,
): Promise<{ lines: string[]; end: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    let start = size;
    let buffer = Buffer.alloc(0);
    // count + 1 newlines guarantee `count` whole lines (the last may lack its newline).
    while (start > 0 && countNewlines(buffer) <= count) {
      const length = Math.min(CHUNK, start);
      start -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, start);
      buffer = Buffer.concat([chunk, buffer]);
    }
    const lines = buffer.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return { lines: count === 0 ? [] : lines.slice(-count), end: size };
  } finally {
    await handle.close();
  }
}

function countNewlines(buffer: Buffer): number {
  let n = 0;
  for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) n += 1;
  return n;
}

/**
 * Lines appended to a file after `offset`. One decoder for the whole stream, so a UTF-8
 * character split across two reads comes out whole; a partial last line waits for its newline.
 */
export class LogFollower {
  private handle: FileHandle | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    readonly path: string,
    private offset: number,
  ) {}

  async read(): Promise<string[]> {
    this.handle ??= await open(this.path, 'r');
    const { size } = await stat(this.path);
    // Truncated or replaced (a respawn under the same id rotates nothing, but a person might).
    if (size < this.offset) this.offset = 0;
    let text = '';
    while (this.offset < size) {
      const length = Math.min(CHUNK, size - this.offset);
      const chunk = Buffer.alloc(length);
      const { bytesRead } = await this.handle.read(chunk, 0, length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      text += this.decoder.write(chunk.subarray(0, bytesRead));
    }
    const lines = (this.pending + text).split('\n');
    this.pending = lines.pop() ?? '';
    return lines;
  }

  /** The unterminated last line, if any (call once the writer is gone). */
  rest(): string[] {
    const last = this.pending + this.decoder.end();
    this.pending = '';
    return last === '' ? [] : [last];
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}
