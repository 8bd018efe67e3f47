/** After a lost race: the winning commits, read at once. */
import { NotFoundError } from '../errors.js';
import { parseActions } from '../log/commit-file.js';
import { commitPath } from '../log/file-names.js';
import { readCommit } from '../log/load.js';
import { listLogFiles, type CommitFile } from '../log/segment.js';
import type { Action } from '../protocol/actions.js';
import type { ObjectStore } from '../storage/object-store.js';
import { mapLimit } from '../util/concurrency.js';

export interface Winner {
  version: number;
  actions: Action[];
}

/** Winning commits read at once after a lost race. */
const WINNER_READ_CONCURRENCY = 16;

/** Commits from `fromVersion` to the latest, in order. */
export async function readCommitsFrom(store: ObjectStore, fromVersion: number): Promise<Winner[]> {
  const files = (await listLogFiles(store, fromVersion))
    .filter((f): f is CommitFile => f.kind === 'commit')
    .sort((a, b) => a.version - b.version);
  // The contiguous run from `fromVersion` (stop at a gap: a commit still being written), read
  // in parallel: a writer that lost several races must catch up in one round trip, not one
  // per winner, or it falls further behind while it reads.
  let n = 0;
  while (n < files.length && files[n]!.version === fromVersion + n) n++;
  const out = await mapLimit(files.slice(0, n), WINNER_READ_CONCURRENCY, async (f) => ({
    version: f.version,
    actions: await readCommit(store, f),
  }));
  if (out.length === 0) {
    // Listing can lag a put-if-absent: read the file directly. A coordinator may also report a
    // commit another writer has not finished (DynamoDB protocol): none yet, back off and retry.
    try {
      out.push({
        version: fromVersion,
        actions: parseActions(await store.get(commitPath(fromVersion)), commitPath(fromVersion)),
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  return out;
}
