import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import streamArray from 'stream-json/streamers/stream-array.js';
import { AblateError, InputError } from '../../errors.js';
import { byteLines, firstInvalidUtf8, utf8Guard } from './utf8.js';

export type FileFormat = 'json' | 'jsonl' | 'csv' | 'parquet';

/** Where a raw record came from: a 1-based line (jsonl, csv) or a 0-based array/row index (json, parquet). */
export interface RecordLocation {
  line?: number;
  /** 1-based column (bytes) of the problem, when known. */
  col?: number;
  index: number;
}

/** One raw record, or a record-level problem the caller may skip (a bad JSONL line). */
export type RawItem = { value: unknown; loc: RecordLocation } | { parseError: string; loc: RecordLocation };

export function detectFormat(file: string): { format: FileFormat; gzip: boolean } {
  const lower = file.toLowerCase();
  const gzip = lower.endsWith('.gz');
  const base = gzip ? lower.slice(0, -3) : lower;
  const ext = base.slice(base.lastIndexOf('.') + 1);
  const format: FileFormat | undefined =
    ext === 'jsonl' || ext === 'ndjson' ? 'jsonl' : ext === 'json' ? 'json' : ext === 'csv' ? 'csv' : ext === 'parquet' ? 'parquet' : undefined;
  if (!format || (gzip && format === 'parquet')) {
    throw new InputError([
      {
        file,
        line: 0,
        col: 0,
        message: 'unsupported data file type; use .json (array), .jsonl, .jsonl.gz, .json.gz, .parquet or .csv',
      },
    ]);
  }
  return { format, gzip };
}

/** The error for a data file that does not exist, or undefined when `e` is about something else. */
function missingFile(file: string, e: unknown): AblateError | undefined {
  return (e as { code?: string } | null)?.code === 'ENOENT' ? new AblateError(`data file not found: ${file}`, 2) : undefined;
}

function openText(file: string, gzip: boolean): Readable {
  const raw = createReadStream(file);
  if (!gzip) return raw;
  const gunzip = createGunzip();
  // Errors of the file stream (ENOENT) must reach the consumer of the gunzip stream.
  raw.on('error', (e) => gunzip.destroy(e));
  // ...and a consumer that stops early must close the file, not just the gunzip stream.
  gunzip.on('close', () => raw.destroy());
  return raw.pipe(gunzip);
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

async function* readJsonl(file: string, gzip: boolean): AsyncGenerator<RawItem> {
  const input = openText(file, gzip);
  let line = 0;
  let index = 0;
  // Lines are split as bytes and each is checked to be UTF-8 before decoding: a bad line is a
  // malformed record (on_error decides), never silently decoded to U+FFFD.
  try {
    for await (const l of byteLines(input as AsyncIterable<Buffer>)) {
      line = l.line;
      // A byte-order mark (editors on Windows write one) is not part of the first JSON value.
      const bytes = line === 1 && l.bytes.subarray(0, 3).equals(BOM) ? l.bytes.subarray(3) : l.bytes;
      if (!isUtf8(bytes)) {
        const bad = firstInvalidUtf8(bytes);
        const col = bad + 1 + (bytes === l.bytes ? 0 : 3);
        yield { parseError: `invalid UTF-8 at byte offset ${l.offset + col - 1} (the file must be UTF-8)`, loc: { line, col, index: index++ } };
        continue;
      }
      const text = bytes.toString('utf8');
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        yield { parseError: `invalid JSON: ${(e as Error).message}`, loc: { line, index: index++ } };
        continue;
      }
      yield { value, loc: { line, index: index++ } };
    }
  } catch (e) {
    const zlib = gzip && /^Z_/.test(String((e as { code?: unknown }).code ?? ''));
    throw missingFile(file, e) ?? (zlib ? new InputError([{ file, line, col: 0, message: `invalid gzip data: ${(e as Error).message}` }]) : e);
  } finally {
    // A reader stopped early (limit, too many errors) must close the file now, not at garbage collection.
    input.destroy();
  }
}

/** Streams the elements of a top-level JSON array without holding the file in memory. */
async function* readJsonArray(file: string, gzip: boolean): AsyncGenerator<RawItem> {
  const items = streamArray.withParserAsStream();
  // pipeline passes the guard's error (invalid UTF-8, located) on to the parser's reader.
  const done = pipeline(openText(file, gzip), utf8Guard(file), items).catch((e: Error) => e);
  let index = 0;
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      yield { value: item.value, loc: { index: index++ } };
    }
  } catch (e) {
    throw await jsonSyntaxError(file, gzip, index, e as Error);
  }
  const err = await done;
  if (err) throw await jsonSyntaxError(file, gzip, index, err);
}

/** Files larger than this are not re-read to locate a syntax error (the record index still is). */
const LOCATE_MAX_BYTES = 64 * 1024 * 1024;

/** True when `prefix` could start a valid JSON text (V8 fails only at its very end, or not at all). */
function validJsonPrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (e) {
    const msg = (e as Error).message;
    const at = /at position (\d+)/.exec(msg);
    if (at) return Number(at[1]) >= prefix.length;
    return /end of JSON input|Unterminated string/.test(msg);
  }
}

/**
 * Line and column of a JSON syntax error: the streaming parser does not track them, so on this
 * (rare) path the offset is found as the longest valid prefix (prefixes of valid JSON are closed
 * under shortening, so a binary search over V8's own parser finds it exactly).
 */
async function jsonErrorPosition(file: string, gzip: boolean): Promise<{ line: number; col: number } | undefined> {
  try {
    if ((await stat(file)).size > LOCATE_MAX_BYTES) return undefined;
    const raw = await readFile(file);
    let text = (gzip ? gunzipSync(raw) : raw).toString('utf8');
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    text = text.slice(bom);
    if (validJsonPrefix(text)) return { line: 1, col: 1 }; // valid JSON, just not an array of records
    let lo = 0; // a valid prefix length
    let hi = text.length; // an invalid one
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (validJsonPrefix(text.slice(0, mid))) lo = mid;
      else hi = mid;
    }
    const before = text.slice(0, lo);
    return { line: before.split('\n').length, col: lo - before.lastIndexOf('\n') + (before.includes('\n') ? 0 : bom) };
  } catch {
    return undefined;
  }
}

async function jsonSyntaxError(file: string, gzip: boolean, index: number, e: Error & { code?: string }): Promise<Error> {
  const missing = missingFile(file, e);
  if (missing) return missing;
  if (e instanceof InputError) return e; // invalid UTF-8, already located
  const at = await jsonErrorPosition(file, gzip);
  return new InputError([
    {
      file,
      line: at?.line ?? 0,
      col: at?.col ?? 0,
      path: `[${index}]`,
      message: `not a valid JSON array (stopped after ${index} records): ${e.message}. A .json source must be one array of objects; use .jsonl for one object per line`,
    },
  ]);
}

async function* readCsv(file: string, gzip: boolean): AsyncGenerator<RawItem> {
  const parser = parseCsv({ columns: true, bom: true, info: true, skip_empty_lines: true });
  void pipeline(openText(file, gzip), utf8Guard(file), parser).catch(() => undefined); // errors reach the reader below
  let index = 0;
  try {
    for await (const row of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { value: row.record, loc: { line: row.info.lines, index: index++ } };
    }
  } catch (e) {
    const err = e as Error & { lines?: number };
    if (e instanceof InputError) throw e;
    throw missingFile(file, e) ?? new InputError([{ file, line: err.lines ?? 0, col: 0, message: `invalid CSV: ${err.message}` }]);
  }
}

async function* readParquet(file: string): AsyncGenerator<RawItem> {
  let buffer;
  let metadata;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (e) {
    throw missingFile(file, e) ?? new InputError([{ file, line: 0, col: 0, message: `invalid parquet file: ${(e as Error).message}` }]);
  }
  // One row group at a time: a group's column chunks are decoded whole anyway, so reading it in
  // smaller row ranges would decode it again for every range without saving memory.
  let start = 0;
  for (const group of metadata.row_groups) {
    const end = start + Number(group.num_rows);
    if (end > start) {
      const rows = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end });
      for (let i = 0; i < rows.length; i++) yield { value: rows[i], loc: { index: start + i } };
    }
    start = end;
  }
}

/** Raw records of a local data file, streamed, in file order. */
export function readRawRecords(file: string): AsyncGenerator<RawItem> {
  const { format, gzip } = detectFormat(file);
  switch (format) {
    case 'jsonl':
      return readJsonl(file, gzip);
    case 'json':
      return readJsonArray(file, gzip);
    case 'csv':
      return readCsv(file, gzip);
    case 'parquet':
      return readParquet(file);
  }
}
