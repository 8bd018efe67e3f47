/**
 * Checkpoint rows -> actions in pure JS (hyparquet), for small checkpoint files. A cold
 * process (a fresh Lambda) would otherwise compile parquet-wasm and then each wasm function
 * on first use just to read a few hundred rows: 60-90 ms against 10-20 ms here. Produces
 * exactly what the Arrow path (checkpoint-read.ts `batchToActions`) produces, in the same
 * order; returns undefined when it cannot, and the caller takes the Arrow path:
 * - an action leaf of a type the Arrow path would not turn into a plain number, boolean or
 *   string (binary, dates, decimals, INT96...), or a codec hyparquet cannot decode here;
 * - an add whose `stats` / `partitionValues` must come from `stats_parsed` /
 *   `partitionValues_parsed` (typed values need the exact Arrow decoding).
 */
import type { Action } from '../protocol/actions.js';
import type { ParquetFile } from '../parquet/handler.js';
import type { ParquetSchemaNode } from '../parquet/types.js';

/**
 * Checkpoints of up to this many rows (and JS_CHECKPOINT_BYTES) are decoded in JS; beyond
 * that wasm wins even cold. Fresh process, whole decode incl. the wasm compile (tmp bench,
 * 2 cores): 202 rows 44-54 ms JS vs 184-262 ms wasm; 1,202 rows 158-184 vs 233-274;
 * 3,202 rows 286-344 vs 253-269. Warm, wasm is 2-4x faster per row.
 */
export const JS_CHECKPOINT_ROWS = 2_000;
export const JS_CHECKPOINT_BYTES = 1024 * 1024;

/** Rows per batch of the Arrow path: actions come out column by column within each batch. */
const BATCH_ROWS = 65_536;

const isMap = (n: ParquetSchemaNode) =>
  n.logicalType?.type === 'MAP' || n.convertedType === 'MAP' || n.convertedType === 'MAP_KEY_VALUE';
const isList = (n: ParquetSchemaNode) => n.logicalType?.type === 'LIST' || n.convertedType === 'LIST';
const isParsed = (n: ParquetSchemaNode) => n.path.length === 2 && n.path[0] === 'add' && n.name.endsWith('_parsed');

/** A leaf the Arrow path decodes to a plain JS number, boolean or string. */
function plainLeaf(n: ParquetSchemaNode): boolean {
  const logical = n.logicalType?.type;
  switch (n.physicalType) {
    case 'BOOLEAN':
    case 'FLOAT':
    case 'DOUBLE':
      return logical === undefined && n.convertedType === undefined;
    case 'INT32':
    case 'INT64':
      return (
        (logical === undefined || logical === 'INTEGER') &&
        (n.convertedType === undefined || /^U?INT_(8|16|32|64)$/.test(n.convertedType))
      );
    case 'BYTE_ARRAY':
      return logical === 'STRING' || (logical === undefined && n.convertedType === 'UTF8');
    default:
      return false;
  }
}

/** Every leaf under `n` (the add's `_parsed` subtrees excepted) is plain. */
function supported(n: ParquetSchemaNode): boolean {
  if (isParsed(n)) return true;
  if (n.children.length === 0) return plainLeaf(n);
  return n.children.every(supported);
}

/** The key/value (map) or element (list) node under a map or list group. */
function innerChildren(n: ParquetSchemaNode): ParquetSchemaNode[] {
  const repeated = n.children[0];
  return repeated && repeated.children.length > 0 ? repeated.children : repeated ? [repeated] : [];
}

/** hyparquet's value -> the Arrow path's value: longs as numbers, null struct fields absent. */
function convert(v: unknown, n: ParquetSchemaNode): unknown {
  if (v === null || v === undefined) return undefined;
  if (isMap(n)) {
    const valueNode = innerChildren(n)[1];
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const c = valueNode ? convert(x, valueNode) : x;
      out[k] = c === undefined ? null : c;
    }
    return out;
  }
  if (isList(n)) {
    const element = innerChildren(n)[0]!;
    return (v as unknown[]).map((x) => convert(x, element));
  }
  if (n.children.length > 0) {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const c of n.children) {
      if (isParsed(c)) continue;
      const x = convert(o[c.name], c);
      if (x !== undefined) out[c.name] = x;
    }
    return out;
  }
  return typeof v === 'bigint' ? Number(v) : v;
}

/** The add's typed columns are needed for this row (its JSON stats or partition values are missing). */
function needsParsed(add: Record<string, unknown>): boolean {
  const pv = add.partitionValues_parsed as Record<string, unknown> | null | undefined;
  const pvMissing = add.partitionValues === null || Object.keys(add.partitionValues as object).length === 0;
  if (pv && pvMissing && Object.values(pv).some((x) => x !== null && x !== undefined)) return true;
  return add.stats_parsed !== null && add.stats_parsed !== undefined && (add.stats === null || add.stats === undefined);
}

/** The actions of a whole-file-cached checkpoint, or undefined when the Arrow path must read it. */
export async function checkpointActionsJs(
  file: ParquetFile,
  actionColumns: readonly string[],
): Promise<Action[] | undefined> {
  const metadata = file.metadata;
  const columns = metadata.schema.children.filter((c) => actionColumns.includes(c.name));
  if (!columns.every(supported)) return undefined;
  let rows: Record<string, unknown>[] | undefined;
  try {
    rows = await file.rows(columns.map((c) => c.name));
  } catch {
    return undefined; // the Arrow path reports the failure with its own error
  }
  if (!rows) return undefined; // a codec the JS decoder lacks
  const add = columns.find((c) => c.name === 'add');
  if (add?.children.some(isParsed) && rows.some((r) => r.add && needsParsed(r.add as Record<string, unknown>))) {
    return undefined;
  }
  // Column by column within each Arrow batch (row groups, split every BATCH_ROWS rows).
  const ordered = actionColumns.map((name) => columns.find((c) => c.name === name)).filter((c) => c !== undefined);
  const out: Action[] = [];
  let start = 0;
  for (const group of metadata.rowGroups) {
    const groupEnd = start + group.numRows;
    for (let from = start; from < groupEnd; from += BATCH_ROWS) {
      const to = Math.min(groupEnd, from + BATCH_ROWS);
      for (const col of ordered) {
        for (let i = from; i < to; i++) {
          const v = convert(rows[i]?.[col.name], col) as Record<string, unknown> | undefined;
          if (v === undefined) continue;
          if (col.name === 'add' && !v.partitionValues) v.partitionValues = {};
          out.push({ [col.name]: v } as Action);
        }
      }
    }
    start = groupEnd;
  }
  if (start !== rows.length) return undefined;
  return out;
}
