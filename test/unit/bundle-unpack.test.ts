import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header, Pax, type HeaderData } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AblateError } from '../../src/errors.js';
import { packBundle } from '../../src/bundle/pack.js';
import { unpackBundle, type UnpackLimits } from '../../src/bundle/unpack.js';

/** A raw tar member, written header by header so tests can build archives no well-behaved tool would. */
interface RawMember extends HeaderData {
  body?: string | Buffer;
}

function rawTarGz(members: RawMember[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { body, ...data } of members) {
    const content = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
    const header = new Header({ mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), type: 'File', size: content.length, ...data });
    header.encode();
    blocks.push(header.block!, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** Every path under `dir`, relative, sorted: what a test compares before and after. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

const SMALL: UnpackLimits = { maxMemberBytes: 1000, maxTotalBytes: 2500, maxEntries: 50, maxExpansionRatio: 1000 };

describe('unpackBundle', () => {
  let sandbox: string;
  let target: string;
  let bundle: string;
  const before = ['bundle.tar.gz', 'keep.txt'];

  beforeEach(async () => {
    sandbox = await mkdtemp(path.join(tmpdir(), 'ablate-unpack-'));
    target = path.join(sandbox, 'target');
    bundle = path.join(sandbox, 'bundle.tar.gz');
    await writeFile(path.join(sandbox, 'keep.txt'), 'untouched');
  });
  afterEach(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  /** Unpacking must fail with exit code 2 naming the member, and leave the sandbox exactly as it was. */
  async function expectRejected(members: RawMember[], mention: string | RegExp, limits: UnpackLimits = SMALL) {
    await writeFile(bundle, rawTarGz(members));
    const err = await unpackBundle(bundle, target, limits).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AblateError);
    expect((err as AblateError).exitCode).toBe(2);
    expect((err as AblateError).message).toMatch(mention);
    expect(await tree(sandbox)).toEqual(before);
    expect(await readFile(path.join(sandbox, 'keep.txt'), 'utf8')).toBe('untouched');
    return (err as AblateError).message;
  }

  it('extracts plain files and folders', async () => {
    await writeFile(
      bundle,
      rawTarGz([
        { path: 'spec.yaml', body: 'name: x\n' },
        { path: 'results/', type: 'Directory', mode: 0o755 },
        { path: 'results/a/result.json', body: '{"ok":true}' },
      ]),
    );
    const result = await unpackBundle(bundle, target, SMALL);
    expect(result.files).toEqual(['results/a/result.json', 'spec.yaml']);
    expect(result.totalBytes).toBe(8 + 11);
    expect(await readFile(path.join(target, 'results/a/result.json'), 'utf8')).toBe('{"ok":true}');
    expect(await tree(sandbox)).toEqual([...before, 'target', 'target/results', 'target/results/a', 'target/results/a/result.json', 'target/spec.yaml'].sort());
  });

  it('rejects path traversal with ".." segments', async () => {
    const msg = await expectRejected([{ path: 'ok.txt', body: 'fine' }, { path: '../escaped.txt', body: 'owned' }], /"\.\.\/escaped\.txt" rejected: .*"\.\." segment/);
    expect(msg).toContain('Nothing was written');
    expect(existsSync(path.join(sandbox, 'escaped.txt'))).toBe(false);
    await expectRejected([{ path: 'a/../../escaped.txt', body: 'owned' }], /"\.\." segment/);
  });

  it('judges the path a pax header gives, not the harmless ustar name under it', async () => {
    const file = Buffer.from('owned');
    const header = new Header({ path: 'innocent.txt', mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), type: 'File', size: file.length });
    header.encode();
    const pax = new Pax({ path: '../pax-escape.txt', mtime: new Date(0) }).encode();
    await writeFile(bundle, gzipSync(Buffer.concat([pax, header.block!, file, Buffer.alloc(512 - file.length), Buffer.alloc(1024)])));
    const err = await unpackBundle(bundle, target, SMALL).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AblateError);
    expect((err as AblateError).message).toMatch(/"\.\.\/pax-escape\.txt" rejected: .*"\.\." segment/);
    expect(await tree(sandbox)).toEqual(before);
  });

  it('rejects absolute paths', async () => {
    await expectRejected([{ path: path.join(sandbox, 'abs.txt'), body: 'owned' }], /rejected: its path is absolute/);
    expect(existsSync(path.join(sandbox, 'abs.txt'))).toBe(false);
  });

  it('rejects a symlink escaping the target and a file written through it', async () => {
    const msg = await expectRejected(
      [
        { path: 'link', type: 'SymbolicLink', linkpath: sandbox, size: 0 },
        { path: 'link/planted.txt', body: 'owned' },
      ],
      /"link" rejected: it is a symbolic link/,
    );
    expect(msg).not.toContain('planted');
    expect(existsSync(path.join(sandbox, 'planted.txt'))).toBe(false);
  });

  it('rejects hard links, devices and fifos', async () => {
    await expectRejected([{ path: 'hard', type: 'Link', linkpath: '/etc/passwd', size: 0 }], /"hard" rejected: it is a hard link/);
    await expectRejected([{ path: 'dev', type: 'CharacterDevice', size: 0, devmaj: 1, devmin: 3 }], /"dev" rejected: it is a CharacterDevice entry/);
    await expectRejected([{ path: 'blk', type: 'BlockDevice', size: 0 }], /"blk" rejected: it is a BlockDevice entry/);
    await expectRejected([{ path: 'pipe', type: 'FIFO', size: 0 }], /"pipe" rejected: it is a FIFO entry/);
  });

  it('rejects setuid files', async () => {
    await expectRejected([{ path: 'suid', mode: 0o4755, body: '#!/bin/sh\n' }], /"suid" rejected: it has setuid/);
  });

  it('rejects an oversized member and an oversized total', async () => {
    await expectRejected([{ path: 'small.txt', body: 'x' }, { path: 'big.bin', body: Buffer.alloc(1001) }], /"big\.bin" rejected: it is 1001 bytes, over the limit of 1000 bytes per member/);
    await expectRejected(
      [0, 1, 2].map((i) => ({ path: `part${i}.bin`, body: Buffer.alloc(900) })),
      /"part2\.bin" rejected: the members add up to more than the limit of 2500 bytes/,
    );
  });

  it('rejects too many members and duplicate files', async () => {
    await expectRejected(
      Array.from({ length: 4 }, (_, i) => ({ path: `f${i}`, body: '' })),
      /more than 3 members/,
      { ...SMALL, maxEntries: 3 },
    );
    await expectRejected([{ path: 'a.txt', body: '1' }, { path: './a.txt', body: '2' }], /"\.\/a\.txt" rejected: the archive holds this file twice/);
  });

  it('names every offending member at once', async () => {
    const msg = await expectRejected([{ path: '../x', body: '' }, { path: '/y', body: '' }, { path: 'z', type: 'SymbolicLink', linkpath: '/', size: 0 }], /"\.\.\/x"/);
    expect(msg).toContain('"/y" rejected');
    expect(msg).toContain('"z" rejected');
  });

  it('rejects a file that is not a tar.gz', async () => {
    await writeFile(bundle, 'not a tarball');
    await expect(unpackBundle(bundle, target, SMALL)).rejects.toThrow(/not a readable \.tar\.gz bundle|could not unpack/);
    expect(await tree(sandbox)).toEqual(before);
  });

  it('refuses a non-empty target and accepts an empty one', async () => {
    await writeFile(bundle, rawTarGz([{ path: 'a.txt', body: 'a' }]));
    await mkdir(target);
    await writeFile(path.join(target, 'mine.txt'), 'mine');
    await expect(unpackBundle(bundle, target, SMALL)).rejects.toThrow(/exists and is not an empty folder/);
    expect(await readdir(target)).toEqual(['mine.txt']);
    await rm(path.join(target, 'mine.txt'));
    await unpackBundle(bundle, target, SMALL);
    expect(await readFile(path.join(target, 'a.txt'), 'utf8')).toBe('a');
  });
});

describe('packBundle', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ablate-pack-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is byte-identical whatever the input order and round-trips through unpackBundle', async () => {
    const src = path.join(dir, 'metrics.json');
    await writeFile(src, '{"loss":0.5}');
    const longName = `${'deep/'.repeat(30)}result.json`;
    const members = [
      { path: 'spec.yaml', content: 'name: x\n' },
      { path: 'stages/eval/abc/result.json', source: src },
      { path: longName, content: 'long' },
    ];
    await packBundle(members, path.join(dir, 'one.tar.gz'));
    await packBundle([...members].reverse(), path.join(dir, 'two.tar.gz'));
    const one = await readFile(path.join(dir, 'one.tar.gz'));
    const two = await readFile(path.join(dir, 'two.tar.gz'));
    expect(createHash('sha256').update(one).digest('hex')).toBe(createHash('sha256').update(two).digest('hex'));
    const out = path.join(dir, 'out');
    const result = await unpackBundle(path.join(dir, 'one.tar.gz'), out);
    expect(result.files).toEqual([longName, 'spec.yaml', 'stages/eval/abc/result.json']);
    expect(await readFile(path.join(out, longName), 'utf8')).toBe('long');
    expect(await readFile(path.join(out, 'stages/eval/abc/result.json'), 'utf8')).toBe('{"loss":0.5}');
  });

  it('refuses paths it could not unpack and duplicates', async () => {
    await expect(packBundle([{ path: '../x', content: '' }], path.join(dir, 'x.tar.gz'))).rejects.toThrow(/cannot bundle "\.\.\/x"/);
    await expect(packBundle([{ path: 'a', content: '' }, { path: 'a', content: '' }], path.join(dir, 'x.tar.gz'))).rejects.toThrow(/twice/);
    expect(await readdir(dir)).toEqual([]);
  });
});
