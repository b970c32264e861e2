import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import streamArray from 'stream-json/streamers/stream-array.js';
import { AblateError, InputError } from '../../errors.js';

export type FileFormat = 'json' | 'jsonl' | 'csv' | 'parquet';

/** Where a raw record came from: a 1-based line (jsonl, csv) or a 0-based array/row index (json, parquet). */
export interface RecordLocation {
  line?: number;
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

async function* readJsonl(file: string, gzip: boolean): AsyncGenerator<RawItem> {
  const input = openText(file, gzip);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  let index = 0;
  // Closing readline does not close its input: a reader stopped early (limit, too many errors)
  // would keep the file open until garbage collection.
  try {
    for await (const raw of lines) {
      line++;
      // A byte-order mark (editors on Windows write one) is not part of the first JSON value.
      const text = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
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
    lines.close();
    input.destroy();
  }
}

/** Streams the elements of a top-level JSON array without holding the file in memory. */
async function* readJsonArray(file: string, gzip: boolean): AsyncGenerator<RawItem> {
  const items = streamArray.withParserAsStream();
  const source = openText(file, gzip);
  const done = pipeline(source, items).catch((e: Error) => e);
  let index = 0;
  try {
    for await (const item of items as AsyncIterable<{ key: number; value: unknown }>) {
      yield { value: item.value, loc: { index: index++ } };
    }
  } catch (e) {
    throw jsonSyntaxError(file, index, e as Error);
  }
  const err = await done;
  if (err) throw jsonSyntaxError(file, index, err);
}

function jsonSyntaxError(file: string, index: number, e: Error & { code?: string }): Error {
  const missing = missingFile(file, e);
  if (missing) return missing;
  return new InputError([
    {
      file,
      line: 0,
      col: 0,
      path: `[${index}]`,
      message: `not a valid JSON array (stopped after ${index} records): ${e.message}. A .json source must be one array of objects; use .jsonl for one object per line`,
    },
  ]);
}

async function* readCsv(file: string, gzip: boolean): AsyncGenerator<RawItem> {
  const parser = openText(file, gzip).pipe(parseCsv({ columns: true, bom: true, info: true, skip_empty_lines: true }));
  let index = 0;
  try {
    for await (const row of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { value: row.record, loc: { line: row.info.lines, index: index++ } };
    }
  } catch (e) {
    const err = e as Error & { lines?: number };
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
