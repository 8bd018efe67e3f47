/**
 * VACUUM: delete data files (and deletion-vector files) no version inside the retention
 * window references. `lite` takes candidates from the log's tombstones; `full` lists the
 * table directory and also removes untracked files (failed writes, change data) older than
 * the cutoff. Deletes are bracketed by `VACUUM START` / `VACUUM END` commits, as in Delta
 * Spark; a dry run only reports.
 */
import { runPostCommitHooks } from '../../commit/post-commit.js';
import { InvalidArgumentError } from '../../errors.js';
import { assertReadable } from '../../protocol/features.js';
import { assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../table/snapshot.js';
import { fullCandidates } from './candidates-full.js';
import { liteCandidates } from './candidates-lite.js';
import { deleteInBatches } from './delete-batches.js';
import { hiddenPathFilter } from './hidden-paths.js';
import { latestSnapshot } from './latest.js';
import { retainedFiles } from './retained-files.js';
import { planRetention } from './retention.js';
import type { VacuumFile, VacuumOptions, VacuumResult } from './types.js';
import { commitVacuumEnd, commitVacuumStart } from './vacuum-commits.js';
import { abandonedWrites, existing } from './leftovers.js';
import type { IncompleteWrite } from '../../storage/object-store.js';

/** Vacuum the table of `snapshot` (brought to its latest version first). */
export async function vacuum(snapshot: Snapshot, options: VacuumOptions = {}): Promise<VacuumResult> {
  const mode = options.mode ?? 'lite';
  if (mode !== 'lite' && mode !== 'full')
    throw new InvalidArgumentError(`VACUUM mode must be 'lite' or 'full', got ${JSON.stringify(mode)}`);
  const latest = await latestSnapshot(snapshot);
  // vacuumProtocolCheck: deleting files is only safe when we understand every reader and
  // writer feature of the table (one could reference files in ways we do not know). We check
  // on every table, which that feature makes mandatory and is prudent anyway.
  assertReadable(latest.protocol);
  assertWritable(latest.protocol);

  const now = options.now ?? Date.now();
  const plan = planRetention(latest.properties, { ...options, now });
  const root = latest.store.root;
  const retained = retainedFiles(latest.state, root, plan.cutoff);
  let candidates: VacuumFile[];
  let directories: number;
  let leftovers: IncompleteWrite[] = [];
  if (mode === 'lite') {
    candidates = await existing(latest.store, liteCandidates(latest.state, root, plan.cutoff, retained));
    directories = countDirectories(candidates);
  } else {
    const partitionColumns = [...latest.partitionColumns, ...physicalPartitionNames(latest)];
    const full = await fullCandidates(
      latest.store,
      hiddenPathFilter(partitionColumns),
      plan.cutoff,
      retained,
      options.onProgress,
    );
    candidates = full.candidates;
    directories = full.directories;
    leftovers = await abandonedWrites(latest.store, plan.cutoff);
  }
  candidates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let bytes = 0;
  for (const c of candidates) bytes += c.size;
  const maxListed = options.maxListedFiles ?? 10_000;
  const base: VacuumResult = {
    dryRun: !!options.dryRun,
    mode,
    filesDeleted: candidates.length > maxListed ? candidates.slice(0, maxListed) : candidates,
    filesDeletedTruncated: candidates.length > maxListed,
    numFilesDeleted: candidates.length,
    bytesDeleted: bytes,
    numDirectoriesScanned: directories,
    cutoffTimestamp: plan.cutoff,
    retentionMs: plan.retentionMs,
    readVersion: latest.version,
    incompleteWrites: leftovers.slice(0, maxListed),
    numIncompleteWrites: leftovers.length,
  };
  if (options.dryRun) return base;

  const hooks = options.postCommitHooks ?? true;
  const start = await commitVacuumStart(latest, plan, candidates.length, bytes, options.commitOptions);
  if (hooks) await runPostCommitHooks(start.snapshot);
  let deleted: number;
  try {
    deleted = await deleteInBatches(
      latest.store,
      candidates.map((c) => c.path),
      {
        batchSize: options.deleteBatchSize ?? 1000,
        concurrency: options.deleteConcurrency ?? 4,
        onProgress: options.onProgress,
      },
    );
    if (leftovers.length > 0) await latest.store.discardIncompleteWrites?.(leftovers);
  } catch (err) {
    // Record the failure, then surface the delete error (not a failure to record it).
    await commitVacuumEnd(start.snapshot, 'FAILED', undefined, options.commitOptions).catch(() => undefined);
    throw err;
  }
  const end = await commitVacuumEnd(
    start.snapshot,
    'COMPLETED',
    { numDeletedFiles: deleted, numVacuumedDirectories: directories },
    options.commitOptions,
  );
  if (hooks) await runPostCommitHooks(end.snapshot);
  return { ...base, numFilesDeleted: deleted, startVersion: start.version, endVersion: end.version };
}

/** Lite mode lists nothing: count the directories holding the files it deletes, plus the root. */
function countDirectories(files: readonly VacuumFile[]): number {
  const dirs = new Set<string>();
  for (const f of files) {
    const slash = f.path.lastIndexOf('/');
    if (slash > 0) dirs.add(f.path.slice(0, slash));
  }
  return dirs.size + 1;
}

/** Partition directory names use physical column names under column mapping. */
function physicalPartitionNames(snapshot: Snapshot): string[] {
  if (snapshot.columnMapping === 'none') return [];
  const out: string[] = [];
  for (const name of snapshot.partitionColumns) {
    const f = snapshot.schema.fields.find((x) => x.name === name);
    const phys = f?.metadata['delta.columnMapping.physicalName'];
    if (typeof phys === 'string') out.push(phys);
  }
  return out;
}
