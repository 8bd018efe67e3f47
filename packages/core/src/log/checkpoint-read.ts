/**
 * Read checkpoint files into actions: classic and multi-part Parquet, UUID-named v2
 * checkpoints in JSON or Parquet, and the sidecar files a v2 checkpoint points to.
 * `stats_parsed` / `partitionValues_parsed` columns stand in for missing JSON values.
 */
import type * as arrow from 'apache-arrow';
import { CorruptDataError, CorruptDataFileError, CorruptLogError, DeltaError, NotFoundError } from '../errors.js';
import type { Action, AddFile, FileStats } from '../protocol/actions.js';
import type { Engine } from '../engine/engine.js';
import type { ParquetFileReader } from '../parquet/reader.js';
import type { ParquetMetadata } from '../parquet/types.js';
import { mapLimit } from '../util/concurrency.js';
import { dataToJs } from './arrow-to-js.js';
import { applyParsed, type AddChunk } from './file-rows-chunk.js';
import { FileRows, FileRowsBuilder } from './file-rows.js';
import { checkpointActionsJs, JS_CHECKPOINT_BYTES, JS_CHECKPOINT_ROWS } from './checkpoint-read-js.js';
import { parseActions } from './commit-file.js';
import { SIDECAR_DIR } from './file-names.js';
import type { CheckpointFile, CheckpointRef } from './segment.js';

/** Checkpoint files up to this size are fetched whole. */
const WHOLE_FILE_LIMIT = 32 * 1024 * 1024;
/** Row groups of a larger checkpoint fetched concurrently ahead of decoding (each a few MiB). */
export const CHECKPOINT_PREFETCH_ROW_GROUPS = 8;

const ACTION_COLUMNS = [
  'add',
  'remove',
  'metaData',
  'protocol',
  'txn',
  'domainMetadata',
  'checkpointMetadata',
  'sidecar',
] as const;

/**
 * How checkpoints are read (tests switch these to compare the paths). `smallFilesInJs`: small
 * Parquet checkpoints are decoded in JS into action objects (checkpoint-read-js.ts), else
 * through Arrow. `addsInColumns`: adds decoded through Arrow are kept in columns, else each
 * becomes an object. `skipNullColumns`: leaf columns null in every row are not decoded.
 */
export const checkpointReading = { smallFilesInJs: true, addsInColumns: true, skipNullColumns: true };

export interface CheckpointActions {
  /** Every action except the adds held in `files`, in file order. */
  actions: Action[];
  /** Parsed stats for adds (in `actions`) that came with `stats_parsed` and no JSON stats. */
  parsedStats: Map<AddFile, FileStats>;
  /** The adds of the Parquet files read through Arrow, in columns (file-rows.ts). */
  files: FileRows;
}

/** What one checkpoint file gave: action objects, and its adds in columns when decoded by Arrow. */
interface FileActions {
  actions: Action[];
  chunks: AddChunk[];
}

/**
 * Read every action of a checkpoint, following v2 sidecars: adds decoded through Arrow are
 * kept in columns, batch by batch, never as a list of every action.
 */
export async function readCheckpointColumns(
  engine: Engine,
  cp: CheckpointRef,
  concurrency = 8,
): Promise<CheckpointActions> {
  const parsedStats = new Map<AddFile, FileStats>();
  const read = { engine, parsedStats, version: cp.version };
  const parts = await mapLimit(cp.files, concurrency, (f) => readCheckpointFile(read, f));
  const actions = parts.flatMap((p) => p.actions);
  const chunks = parts.flatMap((p) => p.chunks);
  const sidecars = actions.filter((a) => a.sidecar).map((a) => a.sidecar!);
  if (sidecars.length > 0) {
    const sidecarActions = await mapLimit(sidecars, concurrency, (s) =>
      readParquetActions(read, sidecarPath(s.path), s.sizeInBytes),
    );
    for (const part of sidecarActions) {
      for (const a of part.actions) actions.push(a);
      for (const c of part.chunks) chunks.push(c);
    }
  }
  return { actions, parsedStats, files: new FileRows(chunks) };
}

/**
 * Every action of a checkpoint as objects, adds included (those read into columns are built
 * here: O(files) objects; the table state keeps them in columns, see readCheckpointColumns).
 */
export async function readCheckpoint(
  engine: Engine,
  cp: CheckpointRef,
  concurrency = 8,
): Promise<{ actions: Action[]; parsedStats: Map<AddFile, FileStats> }> {
  const { actions, parsedStats, files } = await readCheckpointColumns(engine, cp, concurrency);
  const all: Action[] = [];
  for (let c = 0; c < files.chunkCount; c++) {
    const start = files.chunkStart(c);
    const adds = files.chunkAdds(c, parsedStats);
    adds.forEach((add, i) => {
      if (!files.isShadowed(start + i)) all.push({ add });
    });
  }
  for (const a of actions) all.push(a);
  return { actions: all, parsedStats };
}

interface ReadContext {
  engine: Engine;
  parsedStats: Map<AddFile, FileStats>;
  /** The checkpoint's version (for error messages). */
  version: number;
}

function sidecarPath(path: string): string {
  // Sidecar paths are relative to _delta_log/_sidecars (or absolute within the table).
  if (path.includes('/')) {
    const i = path.indexOf(`${SIDECAR_DIR}/`);
    return i >= 0 ? path.slice(i) : path;
  }
  return `${SIDECAR_DIR}/${decodeURIComponent(path)}`;
}

async function readCheckpointFile(read: ReadContext, f: CheckpointFile): Promise<FileActions> {
  if (f.format === 'json') {
    try {
      return { actions: parseActions(await read.engine.store.get(f.path), f.path), chunks: [] };
    } catch (err) {
      throw wrapMissing(err, f.path);
    }
  }
  return readParquetActions(read, f.path, f.size);
}

async function readParquetActions(read: ReadContext, path: string, size: number | undefined): Promise<FileActions> {
  const { engine } = read;
  try {
    size ??= (await engine.store.head(path)).size;
    if (size > JS_CHECKPOINT_BYTES) engine.parquet.preload('read'); // the Arrow path will decode it: load it while the footer arrives
    // Fetch a whole (typical, < 32 MiB) checkpoint in the first GET: one request wave, not two.
    const file = await engine.parquet.openFile(engine.store, path, {
      size,
      footerPrefetch: size <= WHOLE_FILE_LIMIT ? size : undefined,
    });
    const small = file.size <= JS_CHECKPOINT_BYTES && file.metadata.numRows <= JS_CHECKPOINT_ROWS;
    if (small && checkpointReading.smallFilesInJs) {
      const actions = await checkpointActionsJs(file, ACTION_COLUMNS);
      if (actions) return { actions, chunks: [] };
    }
    return await arrowActions(await file.arrow(), read);
  } catch (err) {
    throw checkpointError(err, path);
  }
}

/** A damaged checkpoint names itself and says how readers can do without it. */
function checkpointError(err: unknown, path: string): unknown {
  if (err instanceof NotFoundError) return wrapMissing(err, path);
  if (err instanceof DeltaError && !(err instanceof CorruptDataError)) return err;
  const detail = err instanceof CorruptDataFileError ? err.message : `${path}: ${String(err)}`;
  return new CorruptDataFileError(
    path,
    `checkpoint ${path} is damaged and cannot be read (${detail}). If the JSON commits it covers are still in ` +
      '_delta_log, delete this checkpoint (and _last_checkpoint) so that readers replay those commits instead.',
    { cause: err },
  );
}

/** Decode batch by batch: adds into column chunks, the other actions into objects. */
async function arrowActions(file: ParquetFileReader, read: ReadContext): Promise<FileActions> {
  const actions: Action[] = [];
  const adds = checkpointReading.addsInColumns ? new FileRowsBuilder(read.version) : undefined;
  try {
    const columns = checkpointReading.skipNullColumns ? columnsWithValues(file.metadata) : undefined;
    for await (const batch of file.readBatches({
      batchSize: 65536,
      prefetch: CHECKPOINT_PREFETCH_ROW_GROUPS,
      columns,
    })) {
      batchToActions(batch, actions, read.parsedStats, adds);
    }
  } finally {
    file.close();
  }
  return { actions, chunks: adds?.chunks ?? [] };
}

/**
 * The leaf columns to decode: all but those null in every row (by the footer's null counts),
 * which would only become all-null Arrow buffers (in a checkpoint: every other action kind's
 * fields, a quarter of a batch of adds). Leaves inside lists and maps are always read (an
 * empty map counts as nulls there), and so are `*_parsed` leaves (a struct of nulls still
 * stands in for missing values). Undefined: read every column.
 */
export function columnsWithValues(metadata: ParquetMetadata): string[] | undefined {
  const keep: string[] = [];
  for (const leaf of metadata.leaves) {
    const path = leaf.path.join('.');
    const allNull =
      leaf.maxRepetitionLevel === 0 &&
      !leaf.path.some((p) => p.endsWith('_parsed')) &&
      metadata.rowGroups.every((rg) => {
        const c = rg.columns.get(path);
        return c !== undefined && c.nullCount !== undefined && c.nullCount === c.numValues;
      });
    if (!allNull) keep.push(path);
  }
  return keep.length < metadata.leaves.length && keep.length > 0 ? keep : undefined;
}

function wrapMissing(err: unknown, path: string): unknown {
  if (err instanceof NotFoundError) {
    return new CorruptLogError(
      `checkpoint file ${path} is listed but could not be read (it was deleted?): ${err.message}`,
    );
  }
  return err;
}

/**
 * Turn checkpoint rows into actions: each row sets exactly one action column. With `adds`,
 * the `add` column goes there in columns instead of becoming objects.
 */
export function batchToActions(
  batch: arrow.RecordBatch,
  out: Action[],
  parsedStats: Map<AddFile, FileStats>,
  adds?: FileRowsBuilder,
): void {
  for (const name of ACTION_COLUMNS) {
    const col = batch.getChild(name);
    if (!col) continue;
    for (const data of col.data) {
      if (data.nullCount === data.length) continue;
      if (name === 'add' && adds) {
        adds.append(data);
        continue;
      }
      const parsedColumn = name === 'add' ? extractParsed(data) : undefined;
      const values = dataToJs(stripParsed(data));
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v === undefined) continue;
        if (name === 'add') {
          const add = v as AddFile & { partitionValues?: Record<string, string | null> };
          if (!add.partitionValues) add.partitionValues = {};
          if (parsedColumn) applyParsed(add, parsedColumn, i, parsedStats);
        }
        out.push({ [name]: v } as Action);
      }
    }
  }
}

interface ParsedColumns {
  stats?: arrow.Data;
  partitionValues?: arrow.Data;
}

function childIndex(data: arrow.Data, name: string): number {
  return (data.type as arrow.Struct).children.findIndex((c) => c.name === name);
}

function extractParsed(data: arrow.Data): ParsedColumns | undefined {
  const s = childIndex(data, 'stats_parsed');
  const p = childIndex(data, 'partitionValues_parsed');
  if (s < 0 && p < 0) return undefined;
  return { stats: s >= 0 ? data.children[s] : undefined, partitionValues: p >= 0 ? data.children[p] : undefined };
}

/** The `add` struct without its `*_parsed` children (decoded separately, with types). */
function stripParsed(data: arrow.Data): arrow.Data {
  const type = data.type as arrow.Struct;
  if (!type.children?.some((c) => c.name.endsWith('_parsed'))) return data;
  const keep = type.children.map((c, i) => [c, i] as const).filter(([c]) => !c.name.endsWith('_parsed'));
  const StructCtor = type.constructor as new (fields: arrow.Field[]) => arrow.Struct;
  return data.clone(
    new StructCtor(keep.map(([c]) => c)),
    data.offset,
    data.length,
    data.nullCount,
    data.buffers as never,
    keep.map(([, i]) => data.children[i]!),
  );
}
