/** OPTIMIZE metrics: the result object and Spark-named commitInfo.operationMetrics. */
import type { BinResult, FileSizeStats, OptimizeMetrics, OptimizePlan } from './types.js';

/** min/max/avg/total and nearest-rank percentiles of file sizes (zeros when there are none). */
export function fileSizeStats(sizes: readonly number[]): FileSizeStats {
  const n = sizes.length;
  if (n === 0) return { min: 0, max: 0, avg: 0, totalFiles: 0, totalSize: 0, p25: 0, p50: 0, p75: 0 };
  const sorted = Float64Array.from(sizes).sort();
  const total = sorted.reduce((a, b) => a + b, 0);
  const pct = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
  return {
    min: sorted[0]!,
    max: sorted[n - 1]!,
    avg: total / n,
    totalFiles: n,
    totalSize: total,
    p25: pct(0.25),
    p50: pct(0.5),
    p75: pct(0.75),
  };
}

export interface Timings {
  planningMs: number;
  rewriteMs: number;
  commitMs: number;
}

/** Aggregate the bins that ran into the run's metrics. */
export function optimizeMetrics(plan: OptimizePlan, results: readonly BinResult[], t: Timings): OptimizeMetrics {
  const added = results.flatMap((r) => r.adds.map((a) => Number(a.size)));
  const removed = results.flatMap((r) => r.removed.map((a) => Number(a.size)));
  const sum = (f: (r: BinResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const ran = new Set(results.map((r) => r.binId));
  const bins = plan.bins.filter((b) => ran.has(b.id));
  return {
    numFilesAdded: added.length,
    numFilesRemoved: removed.length,
    filesAdded: fileSizeStats(added),
    filesRemoved: fileSizeStats(removed),
    partitionsOptimized: new Set(bins.map((b) => JSON.stringify(b.partitionValues))).size,
    numBins: results.length,
    binsPlanned: plan.bins.length,
    binsNotRun: plan.bins.length - results.length + plan.binsDeferred,
    totalConsideredFiles: plan.totalConsideredFiles,
    totalFilesSkipped: plan.totalConsideredFiles - removed.length,
    rowsRead: sum((r) => r.metrics.rowsRead),
    rowsWritten: sum((r) => r.metrics.rowsWritten),
    rowsDeletedByDv: sum((r) => r.metrics.rowsDeletedByDv),
    numDeletionVectorsRemoved: sum((r) => r.metrics.numDeletionVectorsRemoved),
    planningMs: t.planningMs,
    rewriteMs: t.rewriteMs,
    commitMs: t.commitMs,
  };
}

/** commitInfo.operationMetrics: Spark's OPTIMIZE names first, then ours. */
export function commitMetrics(m: OptimizeMetrics): Record<string, number> {
  return {
    numRemovedFiles: m.numFilesRemoved,
    numRemovedBytes: m.filesRemoved.totalSize,
    p25FileSize: m.filesAdded.p25,
    p50FileSize: m.filesAdded.p50,
    p75FileSize: m.filesAdded.p75,
    minFileSize: m.filesAdded.min,
    maxFileSize: m.filesAdded.max,
    numAddedFiles: m.numFilesAdded,
    numAddedBytes: m.filesAdded.totalSize,
    numDeletionVectorsRemoved: m.numDeletionVectorsRemoved,
    numBatches: m.numBins,
    totalConsideredFiles: m.totalConsideredFiles,
    totalFilesSkipped: m.totalFilesSkipped,
    numPartitionsOptimized: m.partitionsOptimized,
    numOutputRows: m.rowsWritten,
    planningTimeMs: m.planningMs,
    rewriteTimeMs: m.rewriteMs,
  };
}
