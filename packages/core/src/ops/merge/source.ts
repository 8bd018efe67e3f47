/**
 * MERGE's source, read once and held in memory as Arrow (bounded by `maxSourceBytes`), and
 * what the plan and the executors take from it: the hash of its keys (keys.ts) and each
 * key's range for pruning target files (on.ts).
 */
import type * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../../errors.js';
import type { LiteralInput } from '../../expr/index.js';
import { SourceKeyIndex, type KeyValue } from './keys.js';
import type { KeyRange, MergeKey } from './on.js';

/** Default bound on the source's Arrow buffers: 256 MiB. */
export const DEFAULT_MAX_SOURCE_BYTES = 256 * 1024 * 1024;

/** Bytes held by the table's Arrow buffers (values, offsets, validity; children included). */
export function arrowBytes(table: arrow.Table): number {
  const dataBytes = (d: arrow.Data): number =>
    (d.values?.byteLength ?? 0) +
    (d.valueOffsets?.byteLength ?? 0) +
    (d.nullBitmap?.byteLength ?? 0) +
    (d.typeIds?.byteLength ?? 0) +
    d.children.reduce((n, c) => n + dataBytes(c), 0);
  return table.data.reduce((n, d) => n + dataBytes(d), 0);
}

/** Fail before any target file is read when the source is over the bound. */
export function checkSourceSize(table: arrow.Table, maxBytes = DEFAULT_MAX_SOURCE_BYTES): void {
  const bytes = arrowBytes(table);
  if (bytes > maxBytes)
    throw new InvalidArgumentError(
      (say) =>
        `merge: the source holds ${bytes} bytes in memory, over ${say({ option: 'maxSourceBytes' })} (${maxBytes}); ` +
        `split the source into smaller merges (each is one commit), or raise ${say({ option: 'maxSourceBytes' })} if the process has the memory`,
    );
}

function sourceColumn(table: arrow.Table, name: string): arrow.Vector {
  const v = table.getChild(name);
  if (!v)
    throw new InvalidArgumentError(
      `merge: the source has no column ${name} used in on (its columns: ${table.schema.fields.map((f) => f.name).join(', ')})`,
    );
  return v;
}

/** Source rows by the values of the keys' source columns. */
export function indexSource(table: arrow.Table, keys: readonly MergeKey[]): SourceKeyIndex {
  const columns = keys.map((k) => sourceColumn(table, k.source));
  return new SourceKeyIndex(table.numRows, (i) => columns.map((c): KeyValue => c.get(i) as KeyValue));
}

function rangeOf(v: arrow.Vector): KeyRange {
  let min: number | bigint | string | undefined;
  let max: number | bigint | string | undefined;
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v.get(i);
    if (x === null || x === undefined) continue;
    if (typeof x !== 'number' && typeof x !== 'bigint' && typeof x !== 'string') return 'unbounded';
    if (typeof x === 'number' && Number.isNaN(x)) return 'unbounded';
    if (min === undefined || x < min) min = x;
    if (max === undefined || x > max) max = x;
  }
  return min === undefined ? 'empty' : { min: min as LiteralInput, max: max as LiteralInput };
}

/** Each key's range over the source (see KeyRange). */
export function sourceKeyRanges(table: arrow.Table, keys: readonly MergeKey[]): KeyRange[] {
  return keys.map((k) => rangeOf(sourceColumn(table, k.source)));
}

/** Default largest distinct-key count pruned with `IN (...)` instead of the key's range. */
export const MAX_PRUNING_KEYS = 10_000;

/**
 * The distinct non-null values of one key's source column when there are at most `max` of
 * them and each is a number, bigint or string (what `IN` prunes on); else undefined.
 */
export function sourceKeyValues(table: arrow.Table, key: MergeKey, max = MAX_PRUNING_KEYS): LiteralInput[] | undefined {
  const v = sourceColumn(table, key.source);
  const seen = new Set<number | bigint | string>();
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v.get(i);
    if (x === null || x === undefined) continue;
    if (typeof x !== 'number' && typeof x !== 'bigint' && typeof x !== 'string') return undefined;
    if (typeof x === 'number' && Number.isNaN(x)) return undefined;
    seen.add(x);
    if (seen.size > max) return undefined;
  }
  return [...seen];
}
