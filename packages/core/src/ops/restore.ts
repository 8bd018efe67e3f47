/**
 * RESTORE: make the latest version's data equal to an earlier version's, by re-adding the
 * files that version had and removing the ones it did not. Refuses when files it needs
 * were already deleted (VACUUM), naming one of them.
 */
import { runPostCommitHooks, type PostCommitResult } from '../commit/post-commit.js';
import { commitTransaction, type CommitOptions, type CommitOutcome } from '../commit/transaction.js';
import { VersionNotFoundError } from '../errors.js';
import { fileKey } from '../log/replay.js';
import type { Action, AddFile } from '../protocol/actions.js';
import { protocolsEqual, requiredProtocol } from '../protocol/properties.js';
import { assertWritable } from '../protocol/writer-features.js';
import { locateFile } from '../read/locate.js';
import type { Snapshot } from '../table/snapshot.js';
import { mapLimit } from '../util/concurrency.js';
import { NotFoundError } from '../errors.js';

export interface RestoreMetrics {
  numRestoredFiles: number;
  numRemovedFiles: number;
  restoredFilesSize: number;
  removedFilesSize: number;
  tableSizeAfterRestore: number;
  numOfFilesAfterRestore: number;
}

export interface RestoreResult extends CommitOutcome {
  metrics: RestoreMetrics;
  restoredVersion: number;
  /** Manifest update and checkpoint after the commit (commit/post-commit.ts). */
  postCommit?: PostCommitResult;
}

export async function restoreTable(
  latest: Snapshot,
  target: Snapshot,
  opts: CommitOptions & { timestamp?: string } = {},
): Promise<RestoreResult> {
  assertWritable(latest.protocol);
  const current = new Map(latest.files().map((f) => [fileKey(f.path, f.deletionVector), f]));
  const wanted = new Map(target.files().map((f) => [fileKey(f.path, f.deletionVector), f]));
  const toAdd: AddFile[] = [...wanted].filter(([k]) => !current.has(k)).map(([, f]) => f);
  const toRemove = [...current].filter(([k]) => !wanted.has(k)).map(([, f]) => f);

  // Every file we bring back must still exist.
  const missing = (
    await mapLimit(toAdd, 16, async (f) => {
      const loc = locateFile(latest.store, f.path);
      try {
        await loc.store.head(loc.key);
        return undefined;
      } catch (err) {
        if (err instanceof NotFoundError) return f.path;
        throw err;
      }
    })
  ).filter((p): p is string => p !== undefined);
  if (missing.length > 0) {
    throw new VersionNotFoundError(
      `cannot restore ${latest.uri} to version ${target.version}: ${missing.length} of its data files no longer exist ` +
        `(e.g. ${missing[0]}), most likely deleted by VACUUM. Restore to a later version.`,
    );
  }
  const now = Date.now();
  const actions: Action[] = [];
  if (
    target.metadata.schemaString !== latest.metadata.schemaString ||
    JSON.stringify(target.metadata) !== JSON.stringify(latest.metadata)
  ) {
    actions.push({ metaData: target.metadata });
  }
  // A protocol never goes down: keep the union of what both versions need.
  const protocol = requiredProtocol(target.properties, target.schema, latest.protocol);
  if (!protocolsEqual(protocol, latest.protocol)) actions.push({ protocol });
  for (const f of toRemove) {
    actions.push({
      remove: {
        path: f.path,
        deletionTimestamp: now,
        dataChange: true,
        extendedFileMetadata: true,
        partitionValues: f.partitionValues,
        size: f.size,
        ...(f.deletionVector ? { deletionVector: f.deletionVector } : {}),
      },
    });
  }
  for (const f of toAdd) actions.push({ add: { ...f, dataChange: true } });
  const sum = (fs: AddFile[]) => fs.reduce((n, f) => n + Number(f.size || 0), 0);
  const metrics: RestoreMetrics = {
    numRestoredFiles: toAdd.length,
    numRemovedFiles: toRemove.length,
    restoredFilesSize: sum(toAdd),
    removedFilesSize: sum(toRemove),
    tableSizeAfterRestore: sum([...wanted.values()]),
    numOfFilesAfterRestore: wanted.size,
  };
  const outcome = await commitTransaction(
    latest.store,
    latest,
    {
      actions,
      operation: 'RESTORE',
      operationParameters: { version: target.version, timestamp: opts.timestamp },
      operationMetrics: { ...metrics },
      isBlindAppend: false,
      read: { wholeTable: true },
    },
    opts,
  );
  const postCommit = outcome.skipped ? undefined : await runPostCommitHooks(outcome.snapshot);
  return { ...outcome, metrics, restoredVersion: target.version, postCommit };
}
