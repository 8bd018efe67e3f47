/**
 * Test-only helpers for OPTIMIZE: tables of many small files (nulls and nested columns
 * included) and an order-free view of a table's rows for before/after comparisons.
 */
import { mulberry32 as rng } from './prng.js';
import * as arrow from 'apache-arrow';
import type { Snapshot } from '../../src/snapshot/snapshot.js';
import { SnapshotScan } from '../../src/read/scan.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { DeltaTable, writeDeltaTable } from '../../src/table/delta-table.js';
import type { WriteOptions } from '../../src/ops/write/index.js';

export { rng };

/** `rows` rows with ints, strings (some null), doubles, a struct and a list; `p` cycles over parts. */
export function sampleBatch(start: number, rows: number, parts: readonly string[] = ['a']): arrow.Table {
  const ids = Int32Array.from({ length: rows }, (_, i) => start + i);
  const structType = new arrow.Struct([
    new arrow.Field('k', new arrow.Int32(), true),
    new arrow.Field('s', new arrow.Utf8(), true),
  ]);
  const listType = new arrow.List(new arrow.Field('element', new arrow.Int32(), true));
  return new arrow.Table({
    id: arrow.makeVector(ids),
    name: arrow.vectorFromArray(
      Array.from(ids, (i) => (i % 7 === 0 ? null : `n${i}`)),
      new arrow.Utf8(),
    ),
    score: arrow.vectorFromArray(
      Array.from(ids, (i) => (i % 5 === 0 ? null : i / 3)),
      new arrow.Float64(),
    ),
    info: arrow.vectorFromArray(
      Array.from(ids, (i) => (i % 11 === 0 ? null : { k: i * 2, s: i % 3 === 0 ? null : `s${i}` })),
      structType,
    ),
    tags: arrow.vectorFromArray(
      Array.from(ids, (i) => (i % 13 === 0 ? null : [i, i + 1])),
      listType,
    ),
    p: arrow.vectorFromArray(
      Array.from(ids, (i) => parts[i % parts.length]!),
      new arrow.Utf8(),
    ),
  });
}

/** A MemoryStore table made of `files` appends of `rows` rows each. */
export async function smallFilesTable(
  files: number,
  rows: number,
  opts: WriteOptions & { parts?: string[]; root?: string } = {},
): Promise<DeltaTable> {
  const store = new MemoryStore(opts.root ?? `memory://optimize-${Math.random().toString(36).slice(2)}`);
  const { parts, ...write } = opts;
  await writeDeltaTable(store, sampleBatch(0, rows, parts), write);
  const table = await DeltaTable.open(store);
  for (let f = 1; f < files; f++) await table.append(sampleBatch(f * rows, rows, parts));
  return table;
}

function norm(v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return Array.from(v);
  if (v && typeof v === 'object') {
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return norm((v as { toJSON(): unknown }).toJSON());
    if (Array.isArray(v) || ArrayBuffer.isView(v)) return Array.from(v as ArrayLike<unknown>, norm);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  }
  return v;
}

/** The rows of an Arrow table as sorted JSON strings (compare as multisets). */
export function rowSet(table: arrow.Table): string[] {
  const out: string[] = [];
  for (const row of table) out.push(JSON.stringify(norm(row)));
  return out.sort();
}

/** All rows of a snapshot, as rowSet. */
export async function snapshotRows(snapshot: Snapshot): Promise<string[]> {
  return rowSet(await new SnapshotScan(snapshot).toArrow());
}
