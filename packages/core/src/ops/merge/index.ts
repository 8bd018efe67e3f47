/**
 * MERGE INTO, as Delta Spark's MergeIntoCommand: the source is read once into memory
 * (load-source.ts, bounded by `maxSourceBytes`), then plan (plan.ts: compile, prune the
 * target files) -> execute (execute.ts: join each candidate file against the source keys,
 * rewrite or mark only the files a clause acts on, insert the unmatched source rows) ->
 * commit (commit.ts: one transaction, Spark's commitInfo and read set).
 */
import type { Snapshot } from '../../snapshot/snapshot.js';
import { stopwatch } from '../../util/clock.js';
import type { WriteInput } from '../../write/input.js';
import { commitMerge, mergeMetrics, type MergeCommitOptions, type MergeOutcome } from './commit.js';
import { sumCounters } from '../dml/index.js';
import { executeMergeFiles } from './execute.js';
import { fanOutMerge, type MergeWorkers } from './fan-out.js';
import { loadSource, type MergeSource } from './load-source.js';
import { planMerge } from './plan.js';
import { conformSource, evolveSchema } from './evolve.js';
import type { MergeSpec } from './types.js';

export { planMerge, type MergePlan } from './plan.js';
export { executeMergeFiles, type MergeGroupResult, type MergeExecuteOptions } from './execute.js';
export { commitMerge, mergeMetrics, type MergeMetrics, type MergeOutcome, type MergeCommitOptions } from './commit.js';
export { loadSource, normalizeSource, type MergeSource } from './load-source.js';
export { MergeBuilder } from './builder.js';
export { DEFAULT_MAX_SOURCE_BYTES } from './source.js';
export {
  decodeSource,
  encodeSource,
  readGroupSource,
  type MergeGroupSource,
  type MergeGroupInvoker,
  type MergeGroupRequest,
  type MergeWorkers,
} from './fan-out.js';
export { lastChangePerKey, type Sequence } from './latest.js';
export type * from './types.js';

export interface MergeOptions extends Omit<MergeCommitOptions, 'workers'> {
  /** Bound on the source held in memory (Arrow buffer bytes; default 256 MiB). */
  maxSourceBytes?: number;
  /** Join and rewrite groups of candidate files in other workers, then insert and commit here. */
  workers?: MergeWorkers;
}

export type MergeResult = MergeOutcome;

/** Merge `source` into `snapshot`'s table as `spec` says. */
export async function mergeInto(
  snapshot: Snapshot,
  source: WriteInput | MergeSource,
  spec: MergeSpec,
  opts: MergeOptions = {},
): Promise<MergeResult> {
  const elapsed = stopwatch();
  const applied = opts.txn ? snapshot.txn(opts.txn.appId) : undefined;
  if (opts.txn && applied && applied.version >= opts.txn.version) return alreadyApplied(snapshot);
  await snapshot.loadFiles(); // a table opened with lazyFiles reads its file list here
  const loaded = isLoaded(source) ? source : await loadSource(source, opts.maxSourceBytes);
  const evolved = spec.schemaEvolution ? evolveSchema(snapshot, spec, loaded.schema) : undefined;
  const src = spec.schemaEvolution ? conformSource(loaded, evolved?.schema ?? snapshot.schema) : loaded;
  const { workers, ...rest } = opts;
  const plan = planMerge(snapshot, spec, src, rest, evolved);
  const fanned = workers ? await fanOutMerge(snapshot, plan, spec, src, workers, opts.onProgress) : undefined;
  const results = fanned ?? [
    await executeMergeFiles(snapshot.engine, plan.context, spec, src, plan.files, {
      concurrency: opts.concurrency,
      onProgress: opts.onProgress,
    }),
  ];
  return commitMerge(snapshot, plan, results, src.batch.numRows, { ...rest, elapsed });
}

/** A redelivered change (its txn already committed): nothing read, nothing committed. */
function alreadyApplied(snapshot: Snapshot): MergeResult {
  const rows = {
    inserted: 0,
    matchedUpdated: 0,
    matchedDeleted: 0,
    notMatchedBySourceUpdated: 0,
    notMatchedBySourceDeleted: 0,
  };
  const metrics = mergeMetrics(
    {
      ...sumCounters([]),
      numFilesBeforeSkipping: 0,
      numBytesBeforeSkipping: 0,
      numFilesAfterSkipping: 0,
      numBytesAfterSkipping: 0,
      executionTimeMs: 0,
      commitMs: 0,
    },
    rows,
    0,
  );
  return { version: snapshot.version, noop: true, skipped: true, metrics, conflictsRetried: 0, snapshot };
}

function isLoaded(x: WriteInput | MergeSource): x is MergeSource {
  return typeof x === 'object' && x !== null && 'batch' in x && 'schema' in x && !('numCols' in x);
}
