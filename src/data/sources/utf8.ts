/**
 * Source bytes are checked, not guessed: invalid UTF-8 is an error naming the file, line and byte
 * offset (a decoder would silently turn it into U+FFFD and the records would differ from the file).
 */
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { InputError } from '../../errors.js';

/** Index of the first byte that is not part of a valid UTF-8 sequence, or -1 (RFC 3629: no overlongs, surrogates, > U+10FFFF). */
export function firstInvalidUtf8(buf: Uint8Array, start = 0, end = buf.length): number {
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + n >= end) return i; // a sequence cut off by the end
    const c1 = buf[i + 1]!;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= n; k++) {
      const c = buf[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Bytes at the end of `buf` that start a multi-byte sequence the next chunk completes. */
function incompleteTail(buf: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if (b < 0x80) return 0;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return need > back ? back : 0;
    }
  }
  return 0;
}

export function invalidUtf8Error(file: string, line: number, col: number, offset: number): InputError {
  return new InputError([
    {
      file,
      line,
      col,
      message: `invalid UTF-8 at byte offset ${offset}: the file must be UTF-8 (convert it, e.g. \`iconv -f latin1 -t utf-8\`)`,
    },
  ]);
}

/**
 * A pass-through stream that fails with file, line, column and byte offset at the first invalid
 * UTF-8 byte (for whole-file formats: a JSON array, CSV). Checks whole chunks with the native
 * validator; only an invalid chunk is scanned byte by byte.
 */
export function utf8Guard(file: string): Transform {
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0; // of carry[0] in the file
  let line = 1;
  let lineStart = 0;
  const check = (buf: Buffer, final: boolean): Buffer => {
    const keep = final ? 0 : incompleteTail(buf);
    const body = buf.subarray(0, buf.length - keep);
    if (!isUtf8(body)) {
      const bad = firstInvalidUtf8(body);
      for (let i = 0; i < bad; i++) if (body[i] === 0x0a) [line, lineStart] = [line + 1, offset + i + 1];
      throw invalidUtf8Error(file, line, offset + bad - lineStart + 1, offset + bad);
    }
    for (let i = body.indexOf(0x0a); i >= 0; i = body.indexOf(0x0a, i + 1)) [line, lineStart] = [line + 1, offset + i + 1];
    offset += body.length;
    return buf.subarray(body.length);
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        const rest = check(buf, false);
        const out = buf.subarray(0, buf.length - rest.length);
        carry = Buffer.from(rest);
        cb(null, out);
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb: TransformCallback) {
      try {
        if (carry.length) check(carry, true);
        cb(null, carry.length ? carry : undefined);
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

/** One line of a byte stream: its 1-based number, byte offset in the file, and bytes (no \n, no trailing \r). */
export interface ByteLine {
  line: number;
  offset: number;
  bytes: Buffer;
}

/** Splits a byte stream into lines without decoding it (so each line's encoding can be checked on its own). */
export async function* byteLines(input: AsyncIterable<Buffer>): AsyncGenerator<ByteLine> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let offset = 0;
  let line = 0;
  const emit = (bytes: Buffer): ByteLine => {
    line++;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    const out = { line, offset, bytes: bytes.subarray(0, end) };
    offset += bytes.length + 1;
    return out;
  };
  for await (const chunk of input) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      yield emit(pendingLen ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      pendingLen = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingLen += chunk.length - start;
    }
  }
  if (pendingLen) yield emit(Buffer.concat(pending));
}
