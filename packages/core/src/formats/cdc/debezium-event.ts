/**
 * One Debezium change event (JSON, with or without the `{schema, payload}` wrapper of Kafka
 * Connect's JsonConverter) -> a flat row: the row image (`after` for c/r/u, `before` for d),
 * its op and its sequence. Pure; the reader (debezium.ts) streams lines through it.
 */
import type * as arrow from 'apache-arrow';
import { InputFormatError } from '../../errors.js';
import { parseJsonLine } from '../json-line.js';
import { decodeSemantic, semanticDecoders } from './debezium-types.js';
import type { ChangeOp } from './types.js';

export type Row = Record<string, unknown>;

export interface DecodedEvent {
  row: Row;
  op: ChangeOp;
  /** From the envelope (source.lsn, MySQL's binlog position, source.ts_ms, ts_ms); undefined if none. */
  sequence: number | bigint | string | undefined;
}

const OPS: Record<string, ChangeOp> = { c: 'I', r: 'I', u: 'U', d: 'D' };

function isObject(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse one line. Returns undefined for a line that holds no change: blank, `null` (the
 * tombstone Kafka compaction follows a delete with), or a wrapper whose payload is null.
 */
export function decodeDebeziumLine(
  line: string,
  lineNo: number,
  key: string,
  target?: arrow.Schema,
): DecodedEvent | undefined {
  const bad = (why: string) =>
    new InputFormatError(key, `${key}: line ${lineNo}: ${why}; each line must hold one Debezium change event`, lineNo);
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = parseJsonLine(line);
  } catch (err) {
    throw bad(`not valid JSON (${(err as Error).message})`);
  }
  if (value === null) return undefined;
  if (!isObject(value)) throw bad(`holds ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}, not an object`);
  const wrapped = 'payload' in value && 'schema' in value;
  const envelope = wrapped ? value['payload'] : value;
  if (envelope === null) return undefined;
  if (!isObject(envelope)) throw bad('its payload is not an object');
  const letter = envelope['op'];
  const op = typeof letter === 'string' ? OPS[letter] : undefined;
  if (op === undefined)
    throw bad(
      `op is ${JSON.stringify(letter ?? null)}, not c, r, u or d` +
        (letter === 't' || letter === 'm' ? ' (truncate and message events cannot be applied by key)' : ''),
    );
  const image = envelope[op === 'D' ? 'before' : 'after'];
  if (!isObject(image))
    throw bad(
      `a ${letter as string} event needs ${op === 'D' ? 'before (the deleted row, at least its key)' : 'after (the new row)'} ` +
        `as an object, got ${JSON.stringify(image ?? null)}`,
    );
  // Semantic types (decimals as base64, dates as days, ...) say what they are in the wrapper's schema.
  if (wrapped) decodeSemantic(image, semanticDecoders(value['schema'], target));
  return { row: image, op, sequence: envelopeSequence(envelope) };
}

/**
 * The change's position in the source's log: PostgreSQL's `source.lsn`, MySQL's binlog file
 * and position (as `file:position`, zero-padded so text order is log order), SQL Server's
 * `source.change_lsn`, else `source.ts_ms`, else the envelope's `ts_ms`.
 */
function envelopeSequence(envelope: Row): DecodedEvent['sequence'] {
  const source = isObject(envelope['source']) ? envelope['source'] : {};
  const lsn = source['lsn'];
  if (typeof lsn === 'number' || typeof lsn === 'bigint') return lsn;
  if (typeof source['file'] === 'string' && typeof source['pos'] === 'number') {
    const row = typeof source['row'] === 'number' ? source['row'] : 0;
    return `${source['file']}:${String(source['pos']).padStart(20, '0')}:${String(row).padStart(10, '0')}`;
  }
  if (typeof source['change_lsn'] === 'string') return source['change_lsn'];
  for (const ts of [source['ts_ms'], envelope['ts_ms']])
    if (typeof ts === 'number' || typeof ts === 'bigint') return ts;
  return undefined;
}
