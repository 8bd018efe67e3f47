/**
 * What remove mode does with remembered deletes around one change file's MERGE (tombstones.ts
 * keeps them; docs/merge.md, "Change streams", says why this order is exact):
 *
 * 1. before the MERGE, the file's deletes are appended to the remembered deletes (with the
 *    file's txn), and the MERGE commit carries a mark (a txn action, appId TOMBSTONE_MARK);
 * 2. on every attempt, after the table's snapshot is loaded, the inserts and updates not later
 *    than their key's remembered delete are dropped from the source, and the MERGE commit lists
 *    TOMBSTONE_MARK in its `readTxns`: a concurrent commit that remembered new deletes
 *    conflicts, and the attempt is redone on the new snapshot with the new deletes.
 *
 * A delete remembered after our read either reached the table before our snapshot (we read its
 * tombstone), or commits after our snapshot: with our MERGE's commit racing it (the mark makes
 * ours conflict), or after ours (its MERGE reads our row, or conflicts with our commit, which
 * added rows in its keys). A crash between 1 and the MERGE leaves a delete remembered whose row
 * is still there; the file's redelivery deletes it.
 */
import type * as arrow from 'apache-arrow';
import type { Engine } from '../../engine/engine.js';
import { CDC_OP_COLUMN } from '../../formats/cdc/index.js';
import { parseIntervalMs } from '../../protocol/intervals.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { TxnKey } from '../../transaction/index.js';
import {
  recordTombstones,
  rememberedDeletes,
  tombstoneBatch,
  upsertKeys,
  withoutSuperseded,
  type TombstoneColumns,
} from './tombstones.js';

/** The appId of the mark a commit that remembered deletes carries (and readers depend on). */
export const TOMBSTONE_MARK = 'delta-serverless:cdc-remembered-deletes';
/** Default retention of remembered deletes when the table has no txn retention. */
export const DEFAULT_TOMBSTONE_RETENTION = 'interval 30 days';

/** What the MERGE commit carries for the remembered deletes. */
export interface DeleteMemoryCommit {
  readTxns?: readonly string[];
  marks?: readonly TxnKey[];
}

function resolve(batch: arrow.RecordBatch, name: string): string {
  const exact = batch.schema.fields.find((f) => f.name === name);
  return (exact ?? batch.schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase()))!.name;
}

export class DeleteMemory {
  private markVersion: number | undefined;
  private readonly hasUpserts: boolean;

  private constructor(
    private readonly engine: Engine,
    private readonly cols: TombstoneColumns,
    private readonly source: arrow.RecordBatch,
    private readonly retention: string,
  ) {
    const op = source.getChild(CDC_OP_COLUMN)!;
    this.hasUpserts = Array.from({ length: source.numRows }, (_, i) => op.get(i) !== 'D').some(Boolean);
  }

  /**
   * For a remove-mode apply with a sequence (undefined otherwise). `retention`: the option,
   * else the table's `delta.setTransactionRetentionDuration`, else 30 days.
   */
  static of(
    engine: Engine,
    snapshot: Snapshot,
    source: arrow.RecordBatch,
    opts: { keys: readonly string[]; sequence?: string; deletes?: string; tombstoneRetention?: string },
  ): DeleteMemory | undefined {
    if (opts.deletes === 'tombstone' || opts.sequence === undefined) return undefined;
    const retention =
      opts.tombstoneRetention ??
      snapshot.properties['delta.setTransactionRetentionDuration'] ??
      DEFAULT_TOMBSTONE_RETENTION;
    parseIntervalMs(retention); // a bad option fails before anything is written
    const cols = { keys: opts.keys.map((k) => resolve(source, k)), sequence: resolve(source, opts.sequence) };
    return new DeleteMemory(engine, cols, source, retention);
  }

  /** Step 1: remember the file's deletes (before its MERGE). */
  async record(txn: TxnKey | undefined): Promise<void> {
    const batch = tombstoneBatch(this.source, this.cols, this.engine.clock.now());
    if (!batch) return;
    this.markVersion = await recordTombstones(this.engine, batch, txn, parseIntervalMs(this.retention), this.retention);
  }

  /** Step 2 (each attempt, after loading the snapshot): the source to merge and what its commit carries. */
  async prepare(): Promise<{ source: arrow.RecordBatch; commit: DeleteMemoryCommit }> {
    const remembered = this.hasUpserts
      ? await rememberedDeletes(this.engine, upsertKeys(this.source, this.cols.keys), this.cols)
      : new Map();
    return {
      source: withoutSuperseded(this.source, this.cols, remembered),
      commit: {
        ...(this.hasUpserts ? { readTxns: [TOMBSTONE_MARK] } : {}),
        ...(this.markVersion !== undefined ? { marks: [{ appId: TOMBSTONE_MARK, version: this.markVersion }] } : {}),
      },
    };
  }
}
