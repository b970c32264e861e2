/**
 * Deterministic bundles: the same files give the same .tar.gz bytes on any machine (for one zlib
 * version). Members are sorted by path and carry no owner, host time or file-system mode.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { Header, Pax } from 'tar';
import { AblateError } from '../errors.js';
import { writeStreamAtomic } from '../util/atomicFile.js';
import { DEFAULT_UNPACK_LIMITS, memberProblem } from './unpack.js';

/** One file of a bundle: its path inside the archive and either its bytes or the file to read them from. */
export type BundleMember = { path: string; content: Uint8Array | string } | { path: string; source: string };

/** Fixed metadata of every member, so bundles do not depend on who packed them, when or where. */
const MTIME = new Date(0);
const FILE_MODE = 0o644;
const BLOCK = 512;

function headerBlocks(archivePath: string, size: number): Buffer[] {
  const data = { path: archivePath, mode: FILE_MODE, uid: 0, gid: 0, size, mtime: MTIME, type: 'File' as const, uname: '', gname: '' };
  const header = new Header(data);
  header.encode();
  // Paths too long for ustar go in a pax extended header ahead of the entry, as tar itself does.
  return header.needPax ? [new Pax(data).encode(), header.block!] : [header.block!];
}

const padding = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** Sorted, validated members: refuses paths `unpackBundle` would refuse, and duplicates. */
export function orderMembers(members: readonly BundleMember[]): BundleMember[] {
  const sorted = [...members].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  sorted.forEach((m, i) => {
    const problem = memberProblem({ path: m.path, type: 'File', size: 0 }, DEFAULT_UNPACK_LIMITS);
    if (problem || m.path === '' || m.path.endsWith('/')) throw new AblateError(`cannot bundle ${JSON.stringify(m.path)}: ${problem ?? 'not a file path'}`);
    if (i > 0 && sorted[i - 1]!.path === m.path) throw new AblateError(`cannot bundle ${JSON.stringify(m.path)} twice`);
  });
  return sorted;
}

async function* tarStream(members: readonly BundleMember[]): AsyncGenerator<Buffer> {
  for (const m of members) {
    const body = 'source' in m ? await readFile(m.source) : Buffer.from(m.content);
    yield* headerBlocks(m.path, body.length);
    yield body;
    yield padding(body.length);
  }
  yield Buffer.alloc(2 * BLOCK);
}

/** Writes the members as a deterministic .tar.gz at `out`, atomically (temp name, then rename). */
export async function packBundle(members: readonly BundleMember[], out: string): Promise<void> {
  const ordered = orderMembers(members);
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  // zlib writes mtime 0 in the gzip header unless told otherwise; the OS byte is the platform's.
  await pipeline(Readable.from(tarStream(ordered)), createGzip({ level: constants.Z_BEST_COMPRESSION }), (gzip: AsyncIterable<Buffer>) => writeStreamAtomic(out, withUnixOsByte(gzip)));
}

/** Sets the gzip header's OS byte (offset 9) to 3 (Unix) so the bytes do not depend on the packing platform. */
async function* withUnixOsByte(gzip: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let offset = 0;
  for await (const chunk of gzip) {
    if (offset <= 9 && offset + chunk.length > 9) {
      const patched = Buffer.from(chunk);
      patched[9 - offset] = 3;
      yield patched;
    } else yield chunk;
    offset += chunk.length;
  }
}
