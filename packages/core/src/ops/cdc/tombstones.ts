/**
 * Remembered deletes of the change-stream apply in remove mode (docs/merge.md, "Change
 * streams"): a delete removes its row, so the delete's sequence is kept elsewhere, in a small
 * Delta table of its own under the table's folder, `_cdc_tombstones/` (key columns, the
 * sequence, `_cdc_recorded_at_ms`). Readers of the table never see it (only files its log
 * names are read), and VACUUM (ours and Delta Spark's) never touches a `_`-prefixed folder.
 *
 * The table is append-only for writers: a delete is one more row, and a key's remembered
 * delete is the highest sequence among its rows, so duplicates (a redelivered file, two
 * pollers) and concurrent blind appends are harmless. Compaction rewrites it when it holds
 * many files: one row per key, without those recorded longer ago than the retention.
 */
import * as arrow from 'apache-arrow';
import { concatBatches } from '../../arrow/concat.js';
import { batchOf } from '../../arrow/data-utils.js';
import { filterBatch, takeBatch } from '../../arrow/take.js';
import type { Engine } from '../../engine/engine.js';
import { CommitConflictError } from '../../errors.js';
import { CDC_OP_COLUMN } from '../../formats/cdc/index.js';
import { SnapshotScan } from '../../read/scan.js';
import { tryLoadSnapshot } from '../../snapshot/load.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { PrefixStore } from '../../storage/prefix-store.js';
import { TableCreatedConcurrentlyError, type TxnKey } from '../../transaction/index.js';
import { keyOf, type KeyValue } from '../merge/keys.js';
import type { Sequence } from '../merge/latest.js';
import { writeTable } from '../write/index.js';

/** The folder (under the table root) holding the remembered deletes' table. */
export const TOMBSTONE_FOLDER = '_cdc_tombstones';
/** When each delete was remembered (ms since the epoch): the retention counts from it. */
export const RECORDED_AT_COLUMN = '_cdc_recorded_at_ms';
/** Compaction runs once the remembered deletes' table has this many files. */
export const COMPACT_AFTER_FILES = 16;

/** The columns of a change batch the remembered deletes keep (as the batch names them). */
export interface TombstoneColumns {
  keys: readonly string[];
  sequence: string;
}

/** An engine on the remembered deletes' table (the table's store, rooted at `_cdc_tombstones/`). */
export function tombstoneEngine(engine: Engine): Engine {
  return { ...engine, store: new PrefixStore(engine.store, TOMBSTONE_FOLDER) };
}

function keyValues(batch: arrow.RecordBatch, keys: readonly string[]): (row: number) => KeyValue[] {
  const cols = keys.map((k) => batch.getChild(k)!);
  return (row) => cols.map((c) => c.get(row) as KeyValue);
}

/** `a` is a later change than `b` (numbers and bigints by value, strings as text). */
export function laterSequence(a: Sequence, b: Sequence): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return a > b;
}

/** The deletes of a change source as rows of the remembered deletes' table (undefined: none). */
export function tombstoneBatch(
  source: arrow.RecordBatch,
  cols: TombstoneColumns,
  now: number,
): arrow.RecordBatch | undefined {
  const op = source.getChild(CDC_OP_COLUMN)!;
  const rows: number[] = [];
  for (let i = 0; i < source.numRows; i++) if (op.get(i) === 'D') rows.push(i);
  if (rows.length === 0) return undefined;
  const picked = takeBatch(source, Int32Array.from(rows));
  const names = [...cols.keys, cols.sequence];
  const fields = names.map((n) => {
    const f = picked.schema.fields.find((x) => x.name === n)!;
    return new arrow.Field(f.name, f.type, true);
  });
  const recorded = arrow.vectorFromArray(
    rows.map(() => BigInt(now)),
    new arrow.Int64(),
  ).data[0]!;
  return batchOf(
    new arrow.Schema([...fields, new arrow.Field(RECORDED_AT_COLUMN, new arrow.Int64(), true)]),
    [...names.map((n) => picked.getChild(n)!.data[0]!), recorded],
    rows.length,
  );
}

/**
 * Append remembered deletes (with the change file's txn, so a redelivery adds nothing), creating
 * the table on first need; compacts it when it has grown. Returns its version.
 */
export async function recordTombstones(
  engine: Engine,
  batch: arrow.RecordBatch,
  txn: TxnKey | undefined,
  retentionMs: number,
  retention: string,
): Promise<number> {
  const side = tombstoneEngine(engine);
  for (let attempt = 0; ; attempt++) {
    const base = await tryLoadSnapshot(side);
    try {
      const r = await writeTable(side, base, new arrow.Table(batch), {
        mode: 'append',
        ...(txn ? { txn } : {}),
        ...(base ? {} : { properties: { 'delta.setTransactionRetentionDuration': retention } }),
      });
      const compacted = await compactTombstones(side, r.snapshot, retentionMs);
      return (compacted ?? r.snapshot).version;
    } catch (err) {
      // Two first deletes create the table at once: append to the one that won.
      if (!(err instanceof TableCreatedConcurrentlyError) || attempt >= 3) throw err;
    }
  }
}

/** The remembered delete (highest sequence) of each key that `wanted` holds. */
export async function rememberedDeletes(
  engine: Engine,
  wanted: ReadonlySet<string>,
  cols: TombstoneColumns,
): Promise<Map<string, Sequence>> {
  const out = new Map<string, Sequence>();
  if (wanted.size === 0) return out;
  const snapshot = await tryLoadSnapshot(tombstoneEngine(engine));
  if (!snapshot) return out;
  for await (const b of new SnapshotScan(snapshot, { columns: [...cols.keys, cols.sequence] })) {
    const keyAt = keyValues(b, cols.keys);
    const seq = b.getChild(cols.sequence)!;
    for (let i = 0; i < b.numRows; i++) {
      const k = keyOf(keyAt(i));
      if (k === undefined || !wanted.has(k)) continue;
      const s = seq.get(i) as Sequence;
      if (!out.has(k) || laterSequence(s, out.get(k))) out.set(k, s);
    }
  }
  return out;
}

/** Keys of the inserts and updates of a change source (the ones a remembered delete may stop). */
export function upsertKeys(source: arrow.RecordBatch, keys: readonly string[]): Set<string> {
  const op = source.getChild(CDC_OP_COLUMN)!;
  const keyAt = keyValues(source, keys);
  const out = new Set<string>();
  for (let i = 0; i < source.numRows; i++) if (op.get(i) !== 'D') out.add(keyOf(keyAt(i))!);
  return out;
}

/**
 * The source without the inserts and updates that are not later than their key's remembered
 * delete (an equal sequence counts as older: the delete wins the tie).
 */
export function withoutSuperseded(
  source: arrow.RecordBatch,
  cols: TombstoneColumns,
  remembered: ReadonlyMap<string, Sequence>,
): arrow.RecordBatch {
  if (remembered.size === 0) return source;
  const op = source.getChild(CDC_OP_COLUMN)!;
  const seq = source.getChild(cols.sequence)!;
  const keyAt = keyValues(source, cols.keys);
  const keep = new Uint8Array(source.numRows);
  for (let i = 0; i < source.numRows; i++) {
    const deleted = op.get(i) === 'D' ? undefined : remembered.get(keyOf(keyAt(i))!);
    keep[i] = deleted === undefined || laterSequence(seq.get(i) as Sequence, deleted) ? 1 : 0;
  }
  return filterBatch(source, keep);
}

/**
 * One row per key (the highest sequence), without rows recorded more than `retentionMs` ago,
 * written over the table, once it holds COMPACT_AFTER_FILES files. Concurrent appends slide in
 * (they are blind); a concurrent compaction wins and this one gives up. Returns the new
 * snapshot, or undefined when nothing was done.
 */
export async function compactTombstones(
  side: Engine,
  snapshot: Snapshot,
  retentionMs: number,
): Promise<Snapshot | undefined> {
  if (snapshot.numFiles < COMPACT_AFTER_FILES) return undefined;
  const batches: arrow.RecordBatch[] = [];
  for await (const b of new SnapshotScan(snapshot)) batches.push(b);
  const all = concatBatches(batches);
  const names = all.schema.fields.map((f) => f.name).filter((n) => n !== RECORDED_AT_COLUMN);
  const cols = { keys: names.slice(0, -1), sequence: names[names.length - 1]! };
  const keyAt = keyValues(all, cols.keys);
  const seq = all.getChild(cols.sequence)!;
  const recorded = all.getChild(RECORDED_AT_COLUMN)!;
  const horizon = side.clock.now() - retentionMs;
  const best = new Map<string, number>();
  for (let i = 0; i < all.numRows; i++) {
    const k = keyOf(keyAt(i))!;
    const held = best.get(k);
    if (held === undefined || laterSequence(seq.get(i) as Sequence, seq.get(held) as Sequence)) best.set(k, i);
    // The same delete remembered twice (a redelivery after a compaction): keep the later record.
    else if (!laterSequence(seq.get(held) as Sequence, seq.get(i) as Sequence) && recorded.get(i) > recorded.get(held))
      best.set(k, i);
  }
  const live = [...best.values()].filter((i) => Number(recorded.get(i) as bigint) >= horizon).sort((a, b) => a - b);
  try {
    const r = await writeTable(side, snapshot, new arrow.Table(takeBatch(all, Int32Array.from(live))), {
      mode: 'overwrite',
    });
    return r.snapshot;
  } catch (err) {
    if (err instanceof CommitConflictError) return undefined; // another compaction did it
    throw err;
  }
}
