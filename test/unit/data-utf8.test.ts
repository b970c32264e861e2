/** Source bytes: invalid UTF-8 is located (file, line, byte offset), never replaced by U+FFFD; JSON arrays report line and column. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadSource } from '../../src/data/sources/load.js';
import { firstInvalidUtf8 } from '../../src/data/sources/utf8.js';
import { tempDir } from './exec-fixtures.js';

const dir = tempDir('ablate-utf8-');
function file(name: string, bytes: Buffer | string): string {
  writeFileSync(path.join(dir, name), bytes);
  return name;
}
const load = (p: string, on_error: 'fail' | 'skip' = 'fail') => loadSource('s', { path: p, on_error }, { specDir: dir });
async function failure(p: string): Promise<InputError> {
  const e = await load(p).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

const good = '{"instruction":"a","input":"","output":"b"}\n';
const latin1 = Buffer.from('{"instruction":"caf\u00e9","input":"","output":"b"}\n', 'latin1');

describe('invalid UTF-8 in sources', () => {
  it('JSONL: an error with file, line, column and byte offset; with on_error: skip, counted as malformed', async () => {
    const p = file('bad.jsonl', Buffer.concat([Buffer.from(good), latin1, Buffer.from(good.replace('a', 'z'))]));
    const e = await failure(p);
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`${path.join(dir, 'bad.jsonl')}:2:20: invalid UTF-8 at byte offset ${good.length + 19}`);
    const r = await load(p, 'skip');
    expect(r.stats).toMatchObject({ read: 3, malformed: 1, records: 2 });
    expect(r.records.some((x) => x.instruction.includes('\ufffd'))).toBe(false);
  });

  it('gzip JSONL, a sequence cut by the end of the line, overlong forms and surrogates', async () => {
    const p = file('bad.jsonl.gz', gzipSync(Buffer.concat([Buffer.from(good), Buffer.from('{"instruction":"\u20ac'), Buffer.from([0xe2, 0x82]), Buffer.from('","output":"x"}\n')])));
    expect((await failure(p)).message).toMatch(/bad\.jsonl\.gz:2:\d+: invalid UTF-8 at byte offset/);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0xaf]))).toBe(1); // overlong '/'
    expect(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // a surrogate
    expect(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
    expect(firstInvalidUtf8(Buffer.from('h\u00e9llo \u20ac \u{1f600}'))).toBe(-1);
  });

  it('JSON array and CSV: an error with line, column and byte offset, even across stream chunks', async () => {
    // 200 KiB of valid records first, so the bad byte is far into the stream (several chunks).
    const many = Array.from({ length: 3000 }, (_, i) => `{"instruction":"\u00e9t\u00e9 ${i}","input":"","output":"b"}`).join(',\n');
    const p = file('bad.json', Buffer.concat([Buffer.from(`[\n${many},\n`), latin1.subarray(0, latin1.length - 1), Buffer.from('\n]\n')]));
    const e = await failure(p);
    const offset = Buffer.from(`[\n${many},\n`).length + 19;
    expect(e.message).toContain(`bad.json:3002:20: invalid UTF-8 at byte offset ${offset}`);
    const c = file('bad.csv', Buffer.concat([Buffer.from('instruction,output\na,b\n'), Buffer.from('caf\u00e9,d\n', 'latin1')]));
    expect((await failure(c)).message).toContain('bad.csv:3:4: invalid UTF-8 at byte offset 26');
  });

  it('a malformed JSON array names the line and column of the syntax error', async () => {
    const p = file('malformed.json', '[\n  {"instruction": "a", "output": "b"},\n  {"instruction": "a" "output": "b"}\n]\n');
    const e = await failure(p);
    expect(e.diagnostics[0]).toMatchObject({ line: 3, col: 23 });
    expect(e.message).toMatch(/malformed\.json:3:23: /);
    const gz = file('malformed.json.gz', gzipSync('[{"instruction": "a", "output": "b"},\n{"instruction": }]'));
    expect((await failure(gz)).diagnostics[0]).toMatchObject({ line: 2, col: 17 });
  });
});
