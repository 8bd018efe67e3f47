/** CONVERT TO DELTA's options, plan and result. */
import type { AddFile, Protocol } from '../../protocol/actions.js';
import type { StructType } from '../../protocol/schema.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { CommitOptions } from '../../transaction/index.js';
import type { PartitionColumn } from './partitions.js';

export interface ConvertOptions extends CommitOptions {
  /** Partition columns in directory order; omitted: taken from the `k=v` directories, types inferred. */
  partitionBy?: PartitionColumn[];
  properties?: Record<string, string>;
  name?: string;
  description?: string;
  /** Footers read at once (default 16). */
  concurrency?: number;
}

/** Version 0 of the converted table (JSON): its layout and one add per Parquet file. */
export interface ConvertPlan {
  schema: StructType;
  partitionColumns: string[];
  configuration: Record<string, string>;
  protocol: Protocol;
  adds: AddFile[];
  numRecords: number;
  name?: string;
  description?: string;
}

export interface ConvertResult {
  version: number;
  numFiles: number;
  numRecords: number;
  schema: StructType;
  partitionColumns: string[];
  snapshot: Snapshot;
}
