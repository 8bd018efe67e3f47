/**
 * Delta's conflict rules (as Delta Spark's ConflictChecker): after losing the race for a
 * version, decide whether our transaction is still valid on top of the winning commit.
 * Pure logic over actions; the transaction supplies what it read and what it removes.
 */
import {
  ConcurrentAppendError,
  ConcurrentDeleteDeleteError,
  ConcurrentDeleteReadError,
  ConcurrentTransactionError,
  MetadataChangedError,
  ProtocolChangedError,
} from '../errors.js';
import { mayMatch, type BoundExpression } from '../expr/index.js';
import type { Action, AddFile } from '../protocol/actions.js';
import { canonicalLogPath } from '../protocol/paths.js';
import { fileStatsLookup, parsePartitionValues, type TableColumns } from '../read/file-stats.js';
import type { FileStats } from '../protocol/actions.js';
import { parseStatsJson } from '../protocol/stats-json.js';

export type IsolationLevel = 'WriteSerializable' | 'Serializable';

export interface ConflictContext {
  isolation: IsolationLevel;
  /** What the transaction read: nothing (blind append), predicates, or the whole table. */
  readWholeTable: boolean;
  readPredicates: readonly BoundExpression[];
  /** Canonical paths of files the transaction read. */
  readFiles: ReadonlySet<string>;
  /** Canonical paths of files the transaction removes. */
  removedFiles: ReadonlySet<string>;
  metadataChanged: boolean;
  appIds: ReadonlySet<string>;
  columns: TableColumns;
}

export interface WinningCommit {
  version: number;
  actions: readonly Action[];
}

function statsOf(add: AddFile): FileStats | undefined {
  return add.stats ? parseStatsJson(add.stats) : undefined;
}

/** Throws the typed conflict when `winner` invalidates the transaction described by `ctx`. */
export function checkConflict(ctx: ConflictContext, winner: WinningCommit): void {
  const info = winner.actions.find((a) => a.commitInfo)?.commitInfo;
  const op = info?.operation;
  const by = `version ${winner.version}${op ? ` (${op})` : ''}`;
  const retry = 'Retry the operation on the new table version.';
  if (winner.actions.some((a) => a.protocol)) {
    throw new ProtocolChangedError(
      'ProtocolChanged',
      winner.version,
      `the protocol was changed by concurrent commit ${by}. ${retry}`,
      op,
    );
  }
  if (winner.actions.some((a) => a.metaData)) {
    throw new MetadataChangedError(
      'MetadataChanged',
      winner.version,
      `the table metadata (schema, partitioning or properties) was changed by concurrent commit ${by}. ${retry}`,
      op,
    );
  }
  for (const a of winner.actions) {
    if (a.txn && ctx.appIds.has(a.txn.appId)) {
      throw new ConcurrentTransactionError(
        'ConcurrentTransaction',
        winner.version,
        `concurrent commit ${by} wrote a transaction for the same application id "${a.txn.appId}"`,
        op,
      );
    }
  }

  // A file this transaction read was removed (and maybe re-added with a new deletion vector, or
  // rewritten): that is the conflict to report, before any ConcurrentAppend its re-add implies.
  const removed = winner.actions.filter((a) => a.remove).map((a) => canonicalLogPath(a.remove!.path));
  const readRemoved = ctx.readWholeTable ? undefined : readFileRemoved(ctx, removed);
  if (readRemoved) throw deleteRead(winner.version, by, readRemoved, op);

  const blind = info?.isBlindAppend === true;
  const added = winner.actions.filter((a) => a.add?.dataChange).map((a) => a.add!);
  // WriteSerializable lets blind appends slide in before us unless we changed the metadata.
  const addsToCheck = ctx.isolation === 'Serializable' || ctx.metadataChanged || !blind ? added : [];
  if (addsToCheck.length > 0 && (ctx.readWholeTable || ctx.readPredicates.length > 0)) {
    const hit = addsToCheck.find(
      (add) =>
        ctx.readWholeTable ||
        ctx.readPredicates.some((p) =>
          mayMatch(
            p,
            fileStatsLookup(ctx.columns, parsePartitionValues(ctx.columns, add.partitionValues ?? {}), statsOf(add)),
          ),
        ),
    );
    if (hit) {
      throw new ConcurrentAppendError(
        'ConcurrentAppend',
        winner.version,
        `concurrent commit ${by} added data (${hit.path}) that this transaction should have read. ${retry}`,
        op,
      );
    }
  }

  if (removed.length > 0) {
    if (ctx.readWholeTable) throw deleteRead(winner.version, by, removed[0]!, op);
    const deleteHit = removed.find((p) => ctx.removedFiles.has(p));
    if (deleteHit) {
      throw new ConcurrentDeleteDeleteError(
        'ConcurrentDeleteDelete',
        winner.version,
        `concurrent commit ${by} also removed ${deleteHit}. ${retry}`,
        op,
      );
    }
  }
}

function readFileRemoved(ctx: ConflictContext, removed: readonly string[]): string | undefined {
  return ctx.readFiles.size > 0 ? removed.find((p) => ctx.readFiles.has(p)) : undefined;
}

function deleteRead(version: number, by: string, path: string, op: string | undefined): ConcurrentDeleteReadError {
  return new ConcurrentDeleteReadError(
    'ConcurrentDeleteRead',
    version,
    `concurrent commit ${by} removed ${path}, which this transaction read. Retry the operation on the new table version.`,
    op,
  );
}
