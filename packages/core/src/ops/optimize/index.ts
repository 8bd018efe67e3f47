/** OPTIMIZE (bin-packing compaction and Z-order): plan, execute bins, commit. */
export { planOptimize, plainAdd, packBins } from './plan.js';
export { executeBin } from './execute.js';
export { commitOptimize } from './commit.js';
export { optimize, runBins } from './optimize.js';
export { zOrderPermutation } from './zorder.js';
export type {
  BinContext,
  BinMetrics,
  BinResult,
  FileSizeStats,
  OptimizeBin,
  OptimizeMetrics,
  OptimizeOptions,
  OptimizePlan,
  OptimizePlanOptions,
  OptimizeProgress,
  OptimizeResult,
} from './types.js';
