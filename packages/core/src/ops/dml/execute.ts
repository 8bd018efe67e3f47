/**
 * The execute step of a DELETE/UPDATE plan: its candidate files run here (execute-files.ts,
 * bounded concurrency) or in workers (groups of files, e.g. one Lambda each). The results are
 * uncommitted; commit.ts commits them once. Unlike OPTIMIZE a statement cannot commit part of
 * its files: when any group fails, every object written by the others is deleted and the
 * error is rethrown.
 */
import type { Snapshot } from '../../snapshot/snapshot.js';
import { executeDmlFiles } from './execute-files.js';
import type { DmlFile, DmlOptions, DmlPlan, DmlProgress, DmlResult, DmlWorkers } from './types.js';

function progressTracker(plan: DmlPlan, opts: DmlOptions): (matched: number, files?: number) => void {
  const p: DmlProgress = { phase: 'scanning', filesDone: 0, filesTotal: plan.files.length, rowsMatched: 0 };
  return (matched, files = 1) => {
    p.filesDone += files;
    p.rowsMatched += matched;
    opts.onProgress?.({ ...p });
  };
}

async function fanOut(
  snapshot: Snapshot,
  plan: DmlPlan,
  workers: DmlWorkers,
  report: (m: number, f?: number) => void,
): Promise<DmlResult[]> {
  const per = Math.max(1, workers.filesPerWorker ?? 8);
  const groups: DmlFile[][] = [];
  for (let i = 0; i < plan.files.length; i += per) groups.push(plan.files.slice(i, i + per));
  const results: DmlResult[] = [];
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < groups.length) {
      const files = groups[next++]!;
      try {
        const r = await workers.invoke({ context: plan.context, files });
        results.push(r);
        report(r.counters.numMatchedRows, files.length);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers.maxWorkers ?? 8, groups.length) }, lane));
  if (failure) {
    await snapshot.store.deleteMany(results.flatMap((r) => r.written)).catch(() => undefined);
    throw failure.err;
  }
  return results;
}

/** Execute the plan's files here or in workers (`opts.workers`); the results are uncommitted. */
export async function executeDmlPlan(snapshot: Snapshot, plan: DmlPlan, opts: DmlOptions = {}): Promise<DmlResult[]> {
  if (plan.files.length === 0) return [];
  const report = progressTracker(plan, opts);
  const w = opts.workers;
  if (w && plan.files.length >= (w.minFilesToFanOut ?? 1)) return fanOut(snapshot, plan, w, report);
  return [
    await executeDmlFiles(snapshot.engine, plan.context, plan.files, {
      concurrency: opts.concurrency,
      onFileDone: (matched) => report(matched),
    }),
  ];
}
