/**
 * OPTIMIZE planning: select partitions (`where`), pick the files worth rewriting and pack
 * them into bins. Pure over the snapshot's log; no data is read. The plan is plain JSON.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { AddFile } from '../../protocol/actions.js';
import { isPrimitive } from '../../protocol/schema.js';
import { assertWritable } from '../../protocol/writer-features.js';
import type { TableColumns } from '../../read/file-stats.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import {
  DEFAULT_DV_REWRITE_RATIO,
  DEFAULT_MIN_FILES_PER_BIN,
  DEFAULT_TARGET_SIZE,
  DEFAULT_ZORDER_MEMORY_LIMIT,
  type BinContext,
  type OptimizeBin,
  type OptimizePlan,
  type OptimizePlanOptions,
} from './types.js';
import { partitionFilter } from './where.js';

/**
 * Decoded Arrow bytes per compressed Parquet byte assumed when sizing Z-order bins. Typical
 * snappy/dictionary ratios are 2-5x; executeBin also cuts a bin into separately sorted runs
 * if the real decoded size passes the limit, so this only has to be a fair guess.
 */
export const ZORDER_EXPANSION = 4;

/**
 * Rows per output row group. Half the writer's default: OPTIMIZE runs in fixed-memory Lambdas
 * with two bins in flight, and each bin holds one row group several times over (WASM encoder,
 * output chunk, upload part). 1M rows peaked at 559 MB on S3, 524,288 at 470 MB (goal 512 MB),
 * for about a third more encoding CPU (docs/memory-bounds.md).
 */
const DEFAULT_ROW_GROUP_SIZE = 524_288;

function positiveInt(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** The target file size: option, then delta.targetFileSize, then 128 MiB. */
function targetSizeOf(snapshot: Snapshot, opt: number | undefined): number {
  if (opt !== undefined) return positiveInt('targetSize', opt, DEFAULT_TARGET_SIZE);
  const prop = Number(snapshot.properties['delta.targetFileSize']);
  return Number.isFinite(prop) && prop > 0 ? Math.floor(prop) : DEFAULT_TARGET_SIZE;
}

function codecOf(props: Readonly<Record<string, string>>): BinContext['compression'] {
  const c = props['delta.parquet.compression.codec']?.toLowerCase();
  return c === 'zstd' || c === 'gzip' ? c : c === 'uncompressed' || c === 'none' ? 'none' : 'snappy';
}

/** Z-order columns must be primitive data columns (partition columns are constant per bin). */
function checkZOrderColumns(snapshot: Snapshot, cols: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const c of cols) {
    if (snapshot.partitionColumns.includes(c)) {
      throw new InvalidArgumentError(
        `ZORDER BY column ${c} is a partition column; Z-order works within partitions, so use data columns only`,
      );
    }
    const f = snapshot.schema.fields.find((x) => x.name === c);
    if (!f) {
      throw new InvalidArgumentError(
        `ZORDER BY column ${c} is not in the table; columns are: ${snapshot.schema.fields.map((x) => x.name).join(', ')}`,
      );
    }
    if (!isPrimitive(f.type) || f.type.type === 'variant') {
      throw new InvalidArgumentError(
        `ZORDER BY column ${c} has type ${f.type.type}; only primitive columns can be used`,
      );
    }
    if (seen.has(c)) throw new InvalidArgumentError(`ZORDER BY lists column ${c} twice`);
    seen.add(c);
  }
  return [...cols];
}

/** A log AddFile as plain JSON (numbers, not bigints; no undefined fields). */
export function plainAdd(add: AddFile): AddFile {
  const out: AddFile = {
    path: add.path,
    partitionValues: { ...add.partitionValues },
    size: Number(add.size),
    modificationTime: Number(add.modificationTime),
    dataChange: add.dataChange,
  };
  if (add.stats) out.stats = add.stats;
  if (add.tags) out.tags = { ...add.tags };
  if (add.deletionVector) {
    const dv = add.deletionVector;
    out.deletionVector = {
      storageType: dv.storageType,
      pathOrInlineDv: dv.pathOrInlineDv,
      ...(dv.offset !== undefined && dv.offset !== null ? { offset: Number(dv.offset) } : {}),
      sizeInBytes: Number(dv.sizeInBytes),
      cardinality: Number(dv.cardinality),
    };
  }
  if (add.baseRowId !== undefined && add.baseRowId !== null) out.baseRowId = Number(add.baseRowId);
  if (add.defaultRowCommitVersion !== undefined && add.defaultRowCommitVersion !== null)
    out.defaultRowCommitVersion = Number(add.defaultRowCommitVersion);
  return out;
}

/** Greedy packing by size (smallest first, as Spark): close a bin when the next file overflows it. */
export function packBins<T>(items: readonly T[], sizeOf: (t: T) => number, capacity: number): T[][] {
  const sorted = [...items].sort((a, b) => sizeOf(a) - sizeOf(b));
  const bins: T[][] = [];
  let cur: T[] = [];
  let curSize = 0;
  for (const it of sorted) {
    const s = sizeOf(it);
    if (cur.length > 0 && curSize + s > capacity) {
      bins.push(cur);
      cur = [];
      curSize = 0;
    }
    cur.push(it);
    curSize += s;
  }
  if (cur.length > 0) bins.push(cur);
  return bins;
}

/** Plan an OPTIMIZE of `snapshot`: which files to rewrite, in which bins. */
export function planOptimize(snapshot: Snapshot, opts: OptimizePlanOptions = {}): OptimizePlan {
  assertWritable(snapshot.protocol, snapshot.metadata);
  const cols: TableColumns = {
    schema: snapshot.schema,
    mode: snapshot.columnMapping,
    partitionColumns: new Set(snapshot.partitionColumns),
  };
  const targetSize = targetSizeOf(snapshot, opts.targetSize);
  const minFiles = positiveInt('minFilesPerBin', opts.minFilesPerBin, DEFAULT_MIN_FILES_PER_BIN);
  const maxBins = positiveInt('maxBins', opts.maxBins, Number.MAX_SAFE_INTEGER);
  const zOrderBy = checkZOrderColumns(snapshot, opts.zOrderBy ?? []);
  const zLimit = positiveInt('zOrderMemoryLimit', opts.zOrderMemoryLimit, DEFAULT_ZORDER_MEMORY_LIMIT);
  const dvRatio = opts.dvRewriteRatio ?? DEFAULT_DV_REWRITE_RATIO;
  const filter = opts.where !== undefined ? partitionFilter(opts.where, cols) : undefined;

  // Group the selected files by partition (canonical key: sorted partition values).
  const partitions = new Map<string, AddFile[]>();
  let considered = 0;
  for (const add of snapshot.activeFiles()) {
    if (filter && !filter.matches(add.partitionValues)) continue;
    considered++;
    const key = JSON.stringify(Object.entries(add.partitionValues).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let list = partitions.get(key);
    if (!list) partitions.set(key, (list = []));
    list.push(add);
  }

  const dvHeavy = (f: AddFile) => {
    if (!f.deletionVector) return false;
    const n = snapshot.fileStats(f)?.numRecords;
    return n === undefined || n <= 0 || Number(f.deletionVector.cardinality) / n >= dvRatio;
  };
  const bins: OptimizeBin[] = [];
  const keys = [...partitions.keys()].sort();
  keys.forEach((key, pi) => {
    const files = partitions.get(key)!;
    const groups =
      zOrderBy.length > 0
        ? // Z-order rewrites every file of the partition (as Spark); bins are sized to sort in memory.
          packBins(files, (f) => Number(f.size) * ZORDER_EXPANSION, zLimit)
        : packBins(
            files.filter((f) => Number(f.size) < targetSize || dvHeavy(f)),
            (f) => Number(f.size),
            targetSize,
          ).filter((g) => g.length >= minFiles || g.some((f) => f.deletionVector));
    groups.forEach((g, bi) =>
      bins.push({
        id: `${pi}-${bi}`,
        partitionValues: { ...g[0]!.partitionValues },
        files: g.map(plainAdd),
        totalBytes: g.reduce((n, f) => n + Number(f.size), 0),
        purgeOnly: zOrderBy.length === 0 && g.length < minFiles,
      }),
    );
  });
  const chosen = bins.slice(0, maxBins);
  const inBins = chosen.reduce((n, b) => n + b.files.length, 0);
  return {
    readVersion: snapshot.version,
    context: {
      tableRoot: snapshot.store.root,
      schemaString: snapshot.metadata.schemaString,
      partitionColumns: [...snapshot.partitionColumns],
      configuration: { ...snapshot.properties },
      columnMapping: snapshot.columnMapping,
      targetSize,
      rowGroupSize: positiveInt('rowGroupSize', opts.rowGroupSize, DEFAULT_ROW_GROUP_SIZE),
      compression: opts.compression ?? codecOf(snapshot.properties),
      zOrderBy,
      zOrderMemoryLimit: zLimit,
    },
    bins: chosen,
    predicate: filter ? [filter.sql] : [],
    totalConsideredFiles: considered,
    totalFilesSkipped: considered - inBins,
    binsDeferred: bins.length - chosen.length,
    numPartitions: new Set(chosen.map((b) => JSON.stringify(b.partitionValues))).size,
  };
}
