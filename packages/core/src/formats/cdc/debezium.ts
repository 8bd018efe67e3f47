/**
 * Debezium change events, one JSON envelope per line (optionally gzip) -> change batches.
 * Each event becomes a flat row (debezium-event.ts) that the NDJSON reader turns into Arrow
 * with the table's types (or inferred ones for a new table), so values convert exactly as
 * NDJSON input does and errors name the object's own line numbers.
 */
import * as arrow from 'apache-arrow';
import { InputFormatError } from '../../errors.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { gunzipChunks, sniffGzip } from '../gzip.js';
import { readInputStream, type ReadInputOptions } from '../index.js';
import { readObjectChunks } from '../object-stream.js';
import { checkReserved, checkSequence } from './batch.js';
import { parseJsonLine } from '../json-line.js';
import { decodeDebeziumLine, type DecodedEvent } from './debezium-event.js';
import { semanticHints } from './debezium-types.js';
import { CDC_OP_COLUMN, CDC_SEQUENCE_COLUMN } from './types.js';

export type DebeziumReadOptions = Omit<ReadInputOptions, 'key' | 'format' | 'csv'> & { sequence?: string };

const encoder = new TextEncoder();

/** Split UTF-8 chunks into lines, a final CR dropped; invalid UTF-8 is an error. */
async function* lines(chunks: AsyncIterable<Uint8Array>, key: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = rest + decoder.decode(chunk, { stream: true });
    } catch (err) {
      throw new InputFormatError(
        key,
        `${key}: the text is not valid UTF-8; Debezium's JSON is UTF-8`,
        undefined,
        undefined,
        {
          cause: err,
        },
      );
    }
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const p of parts) yield p.replace(/\r$/, '');
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest.replace(/\r$/, '');
}

/** The flat NDJSON line of one event: the row image, its op and (without a named sequence) the envelope's sequence. */
function flatten(key: string, lineNo: number, e: DecodedEvent, sequence: string | undefined): string {
  checkReserved(key, Object.keys(e.row));
  const row: Record<string, unknown> = { ...e.row, [CDC_OP_COLUMN]: e.op };
  if (sequence === undefined) {
    if (e.sequence === undefined)
      throw new InputFormatError(
        key,
        `${key}: line ${lineNo}: the event has no source.lsn, binlog position, source.ts_ms or ts_ms to order it by; ` +
          'name a row column as the sequence',
        lineNo,
      );
    if (CDC_SEQUENCE_COLUMN in e.row)
      throw new InputFormatError(
        key,
        `${key}: the rows have a column named ${CDC_SEQUENCE_COLUMN}; name it as the sequence`,
      );
    row[CDC_SEQUENCE_COLUMN] = e.sequence;
  }
  return JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000big:${v}` : v)).replace(
    /"\\u0000big:(-?\d+)"/g,
    '$1',
  );
}

/** Events as flat NDJSON lines, one output line per input line (skipped lines stay blank). */
async function* flatLines(
  input: AsyncIterable<string>,
  key: string,
  sequence: string | undefined,
  target: arrow.Schema | undefined,
): AsyncGenerator<Uint8Array> {
  let lineNo = 0;
  let out: string[] = [];
  for await (const line of input) {
    const e = decodeDebeziumLine(line, ++lineNo, key, target);
    out.push(e ? flatten(key, lineNo, e, sequence) : '');
    if (out.length >= 1024) {
      yield encoder.encode(out.join('\n') + '\n');
      out = [];
    }
  }
  if (out.length > 0) yield encoder.encode(out.join('\n') + '\n');
}

/** The first line, and every line again. */
async function peekLine(
  input: AsyncIterable<string>,
): Promise<{ first: string | undefined; all: AsyncIterable<string> }> {
  const it = input[Symbol.asyncIterator]();
  const head = await it.next();
  async function* all(): AsyncGenerator<string> {
    if (head.done) return;
    yield head.value;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { first: head.done ? undefined : head.value, all: all() };
}

/** For a new table: the types the first event's wrapper schema fixes (decimals), undefined if none. */
function hintSchema(first: string | undefined): arrow.Schema | undefined {
  let value: unknown;
  try {
    value = first === undefined ? undefined : parseJsonLine(first);
  } catch {
    return undefined; // the decoder reports the line
  }
  const wrapper = value as { schema?: unknown; payload?: unknown } | null;
  if (!wrapper || typeof wrapper !== 'object' || !('payload' in wrapper)) return undefined;
  const hints = semanticHints(wrapper.schema);
  return hints.length > 0 ? new arrow.Schema(hints) : undefined;
}

/** Stream a Debezium change file as change batches. */
export async function* readDebeziumChanges(
  store: ObjectStore,
  key: string,
  options: DebeziumReadOptions = {},
): AsyncGenerator<arrow.RecordBatch> {
  let chunks: AsyncIterable<Uint8Array> = readObjectChunks(store, key, { chunkBytes: options.chunkBytes });
  if (options.compression !== 'none') {
    const sniffed = await sniffGzip(chunks);
    chunks = sniffed.gzip || options.compression === 'gzip' ? gunzipChunks(sniffed.chunks, key) : sniffed.chunks;
  }
  const { sequence } = options;
  const { first, all } = await peekLine(lines(chunks, key));
  const batches = readInputStream(flatLines(all, key, sequence, options.schema), {
    ...options,
    schema: options.schema ?? hintSchema(first),
    key,
    format: 'ndjson',
    compression: 'none',
  });
  let offset = 0;
  for await (const b of batches) {
    const where = (r: number) => `event ${offset + r + 1}`;
    checkSequence(key, b, sequence ?? CDC_SEQUENCE_COLUMN, where, sequence ? 'sequence column' : 'envelope sequence');
    offset += b.numRows;
    yield b;
  }
}
