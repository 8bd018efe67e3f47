/**
 * MERGE across workers (e.g. the maintenance worker Lambda's `dml-files` requests): the
 * planner sends groups of candidate files with the statement and the source (Arrow IPC,
 * base64, inline in the request), each worker joins and rewrites its files without
 * inserting and returns its uncommitted actions and the source rows its files matched; the
 * planner then inserts the source rows no group matched and commits once. On any failure
 * every object written by any group is deleted. A source over `maxInlineSourceBytes` (default
 * 4 MiB of IPC, under Lambda's 6 MB synchronous payload) is staged once in the table's store
 * under `_delta_log/.tmp/merge-source-<uuid>.arrow` and the requests name it; the planner
 * deletes it when the groups are done (a killed planner's copy is expired by the bucket's
 * lifecycle rule infra sets on `_delta_log/.tmp/` of the tables it configures, as Spark's temp
 * commit files are).
 */
import * as arrow from 'apache-arrow';
import { concatBatches } from '../../arrow/concat.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { DmlContext, DmlFile, DmlProgress } from '../dml/types.js';
import { executeMergeFiles, type MergeGroupResult } from './execute.js';
import { normalizeSource, type MergeSource } from './load-source.js';
import type { MergeSpec } from './types.js';

/** What a worker needs for one group: the plan's context, its files, the statement and the source. */
export interface MergeGroupRequest {
  context: DmlContext;
  files: DmlFile[];
  merge: MergeGroupSource;
}

/** The statement and its source: inline (base64 Arrow IPC) or staged in the table's store. */
export interface MergeGroupSource {
  spec: MergeSpec;
  /** The source as base64 Arrow IPC, when it fits in a request. */
  source?: string;
  /** Else the staged source's path relative to the table root (Arrow IPC stream). */
  sourcePath?: string;
}

export type MergeGroupInvoker = (request: MergeGroupRequest) => Promise<MergeGroupResult>;

export interface MergeWorkers {
  invoke: MergeGroupInvoker;
  /** Files per worker request (default 8). */
  filesPerWorker?: number;
  /** Requests in flight (default 8). */
  maxWorkers?: number;
  /** Plans with fewer candidate files run in this process (default 1: always fan out). */
  minFilesToFanOut?: number;
  /** Largest source sent inline (bytes of Arrow IPC before base64; default 4 MiB); larger ones are staged. */
  maxInlineSourceBytes?: number;
}

const DEFAULT_MAX_INLINE = 4 * 1024 * 1024;

/** The source as base64 Arrow IPC (a worker request's `merge.source`). */
export function encodeSource(source: MergeSource): Uint8Array {
  return arrow.tableToIPC(new arrow.Table([source.batch]), 'stream');
}

/** The source back from a worker request. */
export function decodeSource(base64: string): MergeSource {
  return fromIpc(Buffer.from(base64, 'base64'));
}

function fromIpc(ipc: Uint8Array): MergeSource {
  const table = arrow.tableFromIPC(ipc);
  return normalizeSource(concatBatches(table.batches, table.schema));
}

/** A worker's source: decoded from the request or read from where the planner staged it. */
export async function readGroupSource(store: ObjectStore, merge: MergeGroupSource): Promise<MergeSource> {
  if (merge.source !== undefined) return decodeSource(merge.source);
  if (merge.sourcePath !== undefined && merge.sourcePath.startsWith(STAGE_PREFIX))
    return fromIpc(await store.get(merge.sourcePath));
  throw new InvalidArgumentError(
    `a MERGE worker request needs merge.source or a merge.sourcePath under ${STAGE_PREFIX}`,
  );
}

const STAGE_PREFIX = '_delta_log/.tmp/merge-source-';

/** The groups' source: inline when small, else staged (the returned cleanup deletes it). */
async function groupSource(
  snapshot: Snapshot,
  source: MergeSource,
  maxInline: number,
): Promise<{ part: Omit<MergeGroupSource, 'spec'>; cleanup: () => Promise<void> }> {
  const ipc = encodeSource(source);
  if (ipc.byteLength <= maxInline)
    return { part: { source: Buffer.from(ipc).toString('base64') }, cleanup: async () => undefined };
  const sourcePath = `${STAGE_PREFIX}${snapshot.engine.ids.uuid()}.arrow`;
  await snapshot.store.put(sourcePath, ipc);
  return {
    part: { sourcePath },
    cleanup: () => snapshot.store.deleteMany([sourcePath]).catch(() => undefined),
  };
}

/** Run the groups in workers, then the insert step here; undefined when the merge should run locally. */
export async function fanOutMerge(
  snapshot: Snapshot,
  plan: { context: DmlContext; files: DmlFile[] },
  spec: MergeSpec,
  source: MergeSource,
  workers: MergeWorkers,
  onProgress?: (p: DmlProgress) => void,
): Promise<MergeGroupResult[] | undefined> {
  if (plan.files.length < (workers.minFilesToFanOut ?? 1)) return undefined;
  const staged = await groupSource(snapshot, source, workers.maxInlineSourceBytes ?? DEFAULT_MAX_INLINE);
  try {
    return await runGroups(snapshot, plan, { spec, ...staged.part }, source, workers, onProgress);
  } finally {
    await staged.cleanup();
  }
}

async function runGroups(
  snapshot: Snapshot,
  plan: { context: DmlContext; files: DmlFile[] },
  merge: MergeGroupSource,
  source: MergeSource,
  workers: MergeWorkers,
  onProgress?: (p: DmlProgress) => void,
): Promise<MergeGroupResult[]> {
  const spec = merge.spec;
  const per = Math.max(1, workers.filesPerWorker ?? 8);
  const groups: DmlFile[][] = [];
  for (let i = 0; i < plan.files.length; i += per) groups.push(plan.files.slice(i, i + per));
  const results: MergeGroupResult[] = [];
  const progress: DmlProgress = { phase: 'scanning', filesDone: 0, filesTotal: plan.files.length, rowsMatched: 0 };
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < groups.length) {
      const files = groups[next++]!;
      try {
        const r = await workers.invoke({ context: plan.context, files, merge });
        results.push(r);
        progress.filesDone += files.length;
        progress.rowsMatched += r.counters.numMatchedRows;
        onProgress?.({ ...progress });
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers.maxWorkers ?? 8, groups.length) }, lane));
  try {
    if (failure) throw failure.err;
    const matchedSources = results.flatMap((r) => r.matchedSources);
    results.push(await executeMergeFiles(snapshot.engine, plan.context, spec, source, [], { matchedSources }));
    return results;
  } catch (err) {
    await snapshot.store.deleteMany(results.flatMap((r) => r.written)).catch(() => undefined);
    throw err;
  }
}
