/**
 * Apply one change file to a table, exactly once: decode it against the table's schema, keep
 * the last change per key (source.ts), and MERGE it (statement.ts) with the file's `txn` in
 * the same commit. A table that does not exist is created from the changes' columns. Lost
 * races are retried on the new snapshot (a concurrent commit may hold the same txn: then the
 * file was applied by someone else). A file whose changes alter nothing still commits its
 * txn, so each file version is applied once, whenever it arrives.
 */
import * as arrow from 'apache-arrow';
import type { Engine } from '../../engine/engine.js';
import { emptyBatch } from '../../arrow/constant.js';
import { CommitConflictError, SchemaMismatchError } from '../../errors.js';
import { CDC_OP_COLUMN, CDC_SEQUENCE_COLUMN } from '../../formats/cdc/index.js';
import { deltaSchemaToArrow } from '../../protocol/arrow-schema.js';
import { refreshSnapshot, tryLoadSnapshot } from '../../snapshot/load.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { commitTransaction, type TxnKey } from '../../transaction/index.js';
import { createTable } from '../create/index.js';
import { writeTable } from '../write/index.js';
import { MergeBuilder } from '../merge/builder.js';
import type { MergeSpec } from '../merge/types.js';
import { DeleteMemory, type DeleteMemoryCommit } from './delete-memory.js';
import { changeSource } from './source.js';
import { addCdcClauses, cdcOn } from './statement.js';
import { CDC_DELETED_COLUMN, type CdcOptions } from './types.js';

/** What a MERGE run reports back (ops/merge's result, narrowed to what this needs). */
export interface ChangeMergeResult {
  snapshot: Snapshot;
  /** Nothing changed: no commit was made. */
  noop: boolean;
  /** The txn was already in the table (a concurrent or earlier apply): nothing committed. */
  skipped?: boolean;
  metrics: Record<string, number>;
}

/** Runs a MERGE with `txn` (and the remembered deletes' mark and read, delete-memory.ts) in its commit (ops/merge). */
export type ChangeMergeRunner = (
  snapshot: Snapshot,
  source: arrow.Table,
  spec: MergeSpec,
  txn: TxnKey | undefined,
  commit?: DeleteMemoryCommit,
) => Promise<ChangeMergeResult>;

export interface ApplyChangesOptions extends CdcOptions {
  /** The file's name in errors. */
  key: string;
  /** Decode the file against these types (the table's; undefined for a new table). */
  read: (schema: arrow.Schema | undefined) => AsyncIterable<arrow.RecordBatch>;
  merge: ChangeMergeRunner;
  /** Idempotency key of this file version (the ingest route's appId). */
  txn?: TxnKey;
  /** For a new table. */
  partitionBy?: readonly string[];
  properties?: Record<string, string>;
  /** Attempts after a logical conflict with a concurrent commit (default 8). */
  attempts?: number;
}

export interface ApplyChangesResult {
  status: 'applied' | 'duplicate';
  /** The table after the apply (undefined: no table, and the file held no change to create it from). */
  snapshot: Snapshot | undefined;
  changes: number;
  /** Keys the file changed (after keeping the last change per key). */
  keys: number;
  metrics: Record<string, number>;
  conflictsRetried: number;
}

/** The types a change file is decoded into: the table's columns less the tombstone flag. */
function changeSchema(snapshot: Snapshot | undefined): arrow.Schema | undefined {
  if (!snapshot) return undefined;
  const s = deltaSchemaToArrow(snapshot.schema);
  return new arrow.Schema(s.fields.filter((f) => f.name !== CDC_DELETED_COLUMN));
}

/** The table a first change file creates: its columns (nullable), without `_cdc_op`. */
async function create(engine: Engine, source: arrow.RecordBatch, opts: ApplyChangesOptions): Promise<Snapshot> {
  const fields = source.schema.fields
    .filter((f) => f.name !== CDC_OP_COLUMN)
    .map((f) => new arrow.Field(f.name, f.type, true));
  return createTable(engine, () => tryLoadSnapshot(engine), {
    schema: new arrow.Schema(fields),
    partitionBy: opts.partitionBy,
    properties: opts.properties,
    ifNotExists: true,
  });
}

/**
 * Columns of the changes the table lacks: refused, or (schemaEvolution) added in a commit of
 * their own (an empty append with schema merge). A crash after it leaves the columns added and
 * the file unapplied; its redelivery applies it.
 */
async function evolve(
  engine: Engine,
  snapshot: Snapshot,
  source: arrow.RecordBatch,
  opts: ApplyChangesOptions,
): Promise<Snapshot> {
  const have = new Set(snapshot.schema.fields.map((f) => f.name.toLowerCase()));
  const extra = source.schema.fields.filter((f) => f.name !== CDC_OP_COLUMN && !have.has(f.name.toLowerCase()));
  if (extra.length === 0) return snapshot;
  const names = extra.map((f) => f.name).join(', ');
  if (!opts.schemaEvolution)
    throw new SchemaMismatchError(
      `${opts.key}: the changes have columns the table lacks (${names}); allow schema evolution to add them ` +
        "(route schemaMode 'merge', CLI --schema-mode merge), or drop them upstream",
    );
  const fields = [
    ...deltaSchemaToArrow(snapshot.schema).fields,
    ...extra.map((f) => new arrow.Field(f.name, f.type, true)),
  ];
  const r = await writeTable(engine, snapshot, new arrow.Table(emptyBatch(new arrow.Schema(fields))), {
    mode: 'append',
    schemaMode: 'merge',
  });
  return r.snapshot;
}

/** Commit only the txn: the file changed nothing, but it was applied. */
async function commitTxnOnly(engine: Engine, snapshot: Snapshot, txn: TxnKey): Promise<Snapshot> {
  const out = await commitTransaction(engine, snapshot, {
    actions: [],
    operation: 'MERGE',
    operationParameters: { predicate: '[]', note: 'change file with no effect' },
    isBlindAppend: true,
    txn,
  });
  return out.snapshot;
}

/** One MERGE attempt on `snapshot`: the source less what remembered deletes supersede. */
async function mergeOnce(
  snapshot: Snapshot,
  source: arrow.RecordBatch,
  spec: MergeSpec,
  txn: TxnKey | undefined,
  memory: DeleteMemory | undefined,
  merge: ChangeMergeRunner,
): Promise<ChangeMergeResult | undefined> {
  const prepared = memory ? await memory.prepare() : { source, commit: {} };
  if (prepared.source.numRows === 0) return undefined;
  return merge(snapshot, new arrow.Table(prepared.source), spec, txn, prepared.commit);
}

/** Apply one change file (see the module comment). */
export async function applyChanges(engine: Engine, opts: ApplyChangesOptions): Promise<ApplyChangesResult> {
  let snapshot = await tryLoadSnapshot(engine);
  const duplicate = (s: Snapshot): ApplyChangesResult | undefined =>
    opts.txn && s.txn(opts.txn.appId)
      ? { status: 'duplicate', snapshot: s, changes: 0, keys: 0, metrics: {}, conflictsRetried: 0 }
      : undefined;
  const seen = snapshot && duplicate(snapshot);
  if (seen) return seen;
  const batches: arrow.RecordBatch[] = [];
  for await (const b of opts.read(changeSchema(snapshot))) batches.push(b);
  // Debezium changes without a named sequence are ordered by the envelope's (`_cdc_sequence`).
  const sequence = opts.sequence ?? (opts.cdc === 'debezium' ? CDC_SEQUENCE_COLUMN : undefined);
  const source = batches.length > 0 ? changeSource(opts.key, batches, { ...opts, sequence }) : undefined;
  if (!snapshot) {
    if (!source)
      return { status: 'applied', snapshot: undefined, changes: 0, keys: 0, metrics: {}, conflictsRetried: 0 };
    snapshot = await create(engine, source.batch, opts);
  }
  const spec = addCdcClauses(new MergeBuilder(cdcOn(opts.keys), async (s: MergeSpec) => s), {
    ...opts,
    sequence,
  }).spec();
  if (source) snapshot = await evolve(engine, snapshot, source.batch, opts);
  const memory = source && DeleteMemory.of(engine, snapshot, source.batch, { ...opts, sequence });
  await memory?.record(opts.txn);
  const attempts = opts.attempts ?? 8;
  for (let attempt = 0; ; attempt++) {
    const dup = duplicate(snapshot);
    if (dup) return { ...dup, conflictsRetried: attempt };
    try {
      const r = source ? await mergeOnce(snapshot, source.batch, spec, opts.txn, memory, opts.merge) : undefined;
      if (r?.skipped) return { ...duplicate(r.snapshot)!, snapshot: r.snapshot, conflictsRetried: attempt };
      let after = r?.snapshot ?? snapshot;
      if ((!r || r.noop) && opts.txn) after = await commitTxnOnly(engine, after, opts.txn);
      const keys = source?.batch.numRows ?? 0;
      return {
        status: 'applied',
        snapshot: after,
        changes: source?.changes ?? 0,
        keys,
        metrics: r?.metrics ?? {},
        conflictsRetried: attempt,
      };
    } catch (err) {
      if (!(err instanceof CommitConflictError) || attempt + 1 >= attempts) throw err;
      snapshot = await refreshSnapshot(snapshot);
    }
  }
}
