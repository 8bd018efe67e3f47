/** The errors a transaction raises beyond the package's own (../errors.ts). */
import { ConcurrentTransactionError, ProtocolChangedError } from '../errors.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/** Thrown when version 0 already exists while creating a table (another writer created it). */
export class TableCreatedConcurrentlyError extends ProtocolChangedError {}

/**
 * Some of `CommitRequest.txns` are already in the table (a concurrent writer or an earlier
 * delivery committed them). Nothing was committed. `appIds` lists them; `snapshot` is the
 * latest state read, to rebuild the commit on without the dropped actions.
 */
export class TxnsAlreadyAppliedError extends ConcurrentTransactionError {
  constructor(
    readonly appIds: readonly string[],
    readonly snapshot: Snapshot,
  ) {
    super(
      'ConcurrentTransaction',
      snapshot.version,
      `${appIds.length} of this commit's transaction ids are already in ${snapshot.uri} at version <= ${snapshot.version} ` +
        `(${appIds.slice(0, 3).join(', ')}${appIds.length > 3 ? ', ...' : ''}); nothing was committed. ` +
        'Drop the actions of those ids and commit the rest on the given snapshot.',
    );
  }
}
