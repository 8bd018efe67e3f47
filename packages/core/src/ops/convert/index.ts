/**
 * CONVERT TO DELTA: make a directory of Parquet files (Hive-partitioned `k=v/` or not) a Delta
 * table in place, without rewriting data. Read the footers (scan.ts) -> plan version 0 (pure,
 * JSON) -> commit it, as Spark's `CONVERT` operation.
 */
import type { Engine } from '../../engine/engine.js';
import { commitConvert } from './commit.js';
import { planConvert } from './plan.js';
import { scanParquetDirectory } from './scan.js';
import type { ConvertOptions, ConvertResult } from './types.js';

export { scanParquetDirectory, planConvert, commitConvert };
export type { FileInfo, ParquetDirectory } from './scan.js';
export type { ConvertOptions, ConvertPlan, ConvertResult } from './types.js';
export type { PartitionColumn } from './partitions.js';

/** Convert the Parquet files under the engine's store root into a Delta table (version 0). */
export async function convertToDelta(engine: Engine, options: ConvertOptions = {}): Promise<ConvertResult> {
  const dir = await scanParquetDirectory(engine, options);
  return commitConvert(engine, planConvert(dir, options), options);
}
