/**
 * Stage one source object: decode it (CSV / NDJSON / Parquet, optionally gzip) as Arrow
 * batches, derive the time partition column, and write its own data files under the table
 * (nothing committed). Its files are separate from every other object's, so a duplicate or
 * failed object can be dropped from the batch commit without touching the rest.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import * as arrow from 'apache-arrow';
import { deltaSchemaToArrow, type ObjectStore, type Snapshot, type StructType } from '@delta-serverless/core';
import {
  readInputObject,
  referenceDataFile,
  stageDataFiles,
  type StagedFiles,
  type StageLayout,
  createEngine,
} from '@delta-serverless/core/internal';
import type { SourceObject } from './events.js';
import type { Route } from './routes.js';
import { SourceObjectStore } from './source-store.js';
import { addTimePartition } from './time-partition.js';

export interface StagedObject {
  appId: string;
  source: SourceObject;
  files: StagedFiles;
  /** The data files were written by us (false: added by reference; never delete those). */
  owned: boolean;
}

export interface StageContext {
  s3: S3Client;
  /** The table's store. */
  store: ObjectStore;
  /** Table layout to stage against (schema undefined: the first object of a new table). */
  layout: StageLayout;
  route: Route;
  batchRows?: number;
}

/** The object's store-relative key when it lies under the table root (reference mode), else undefined. */
function underTable(store: ObjectStore, obj: SourceObject): string | undefined {
  const root = store.root.replace(/^s3a?:\/\//, '');
  const prefix = `${root}/`;
  const full = `${obj.bucket}/${obj.key}`;
  if (!full.startsWith(prefix)) return undefined;
  const rel = full.slice(prefix.length);
  return rel.startsWith('_delta_log/') ? undefined : rel;
}

async function* withTimePartition(
  batches: AsyncIterable<arrow.RecordBatch>,
  route: Route,
): AsyncGenerator<arrow.RecordBatch> {
  for await (const b of batches) yield route.timePartition ? addTimePartition(b, route.timePartition) : b;
}

/** The layout objects are staged against: the table's, or the route's for a new table. */
export function stageLayout(snapshot: Snapshot | undefined, route: Route): StageLayout {
  return {
    schema: snapshot?.schema,
    partitionColumns: snapshot ? [...snapshot.partitionColumns] : route.partitionBy,
    configuration: snapshot?.properties,
    columnMapping: snapshot?.columnMapping,
    schemaMode: route.schemaMode,
  };
}

/** Decode and write one object's data files. Throws (and leaves no files) when it cannot. */
export async function stageObject(ctx: StageContext, obj: SourceObject, appId: string): Promise<StagedObject> {
  const layout = ctx.layout;
  const relative = ctx.route.mode === 'reference' ? underTable(ctx.store, obj) : undefined;
  if (
    relative !== undefined &&
    (ctx.route.format ?? (obj.key.toLowerCase().endsWith('.parquet') ? 'parquet' : '')) === 'parquet'
  ) {
    // Pin the version first: the file is referenced as it is now.
    await new SourceObjectStore(ctx.s3, obj).head(obj.key);
    return {
      appId,
      source: obj,
      files: await referenceDataFile(createEngine(ctx.store), relative, layout),
      owned: false,
    };
  }
  const source = new SourceObjectStore(ctx.s3, obj);
  // Parse CSV/NDJSON values straight into the table's types; extra columns are kept (merge).
  const schema = layout.schema ? inputSchema(layout.schema, ctx.route) : undefined;
  const batches = readInputObject(source, obj.key, {
    format: ctx.route.format,
    compression: ctx.route.compression ?? 'auto',
    schema,
    csv: ctx.route.csv,
    encoding: ctx.route.encoding,
    maxColumns: ctx.route.maxColumns,
    batchRows: ctx.batchRows,
  });
  const files = await stageDataFiles(createEngine(ctx.store), withTimePartition(batches, ctx.route), layout);
  return { appId, source: obj, files, owned: true };
}

/** The table schema as decoding targets, minus the derived time partition column (not in the input). */
function inputSchema(schema: StructType, route: Route): arrow.Schema {
  const full = deltaSchemaToArrow(schema);
  const derived = route.timePartition?.column;
  return derived ? new arrow.Schema(full.fields.filter((f) => f.name !== derived)) : full;
}
