/**
 * The Glue table a Delta table is registered as: the shape Athena, Trino and Spark all read
 * as a Delta table (docs/catalog.md lists the sources). Pure: a snapshot's metadata in,
 * a Glue TableInput out.
 *
 * - `TableType` EXTERNAL_TABLE, parameter `EXTERNAL=TRUE` (the data is not the catalog's).
 * - `table_type=DELTA` (Athena's marker, what its CREATE EXTERNAL TABLE ... TBLPROPERTIES
 *   ('table_type'='DELTA') stores) and `spark.sql.sources.provider=delta` (Spark's data source
 *   table marker; Trino's and Athena's Delta readers also key off it).
 * - Storage descriptor as Spark's HiveExternalCatalog writes a data source table that Hive
 *   cannot read (and Trino's Delta connector copies): SequenceFile formats, LazySimpleSerDe,
 *   serde parameters `serialization.format=1` and `path=<table root>` (Trino and Spark read
 *   the location from `path`; Athena from `Location`, set to the same root). A Hive-only
 *   reader fails on it instead of listing the directory and returning removed files.
 * - Columns: every column, partition columns included, in Hive types, with their comments;
 *   no partition keys (as Delta's UpdateCatalog hook: Hive cannot drop partition keys, and
 *   Delta engines read partitions from the log, not from Glue partitions).
 * - The Spark schema JSON in `spark.sql.sources.schema.numParts` / `.part.N` (4000-character
 *   parts, the form every Spark version reads), `spark.sql.partitionProvider=catalog`.
 * - The table's properties, protocol versions and features (`delta.minReaderVersion`,
 *   `delta.feature.<name>=supported`) and `delta.lastUpdateVersion` /
 *   `delta.lastCommitTimestamp` of the version described, as Delta's UpdateCatalog does.
 */
import type { Column, TableInput } from '@aws-sdk/client-glue';
import { type Metadata, type Protocol } from '@delta-serverless/core';
import { parseSchemaString } from '@delta-serverless/core/internal';
import { hiveType } from './hive-types.js';

export const SEQUENCE_FILE_INPUT_FORMAT = 'org.apache.hadoop.mapred.SequenceFileInputFormat';
export const SEQUENCE_FILE_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat';
export const LAZY_SIMPLE_SERDE = 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe';
/** Spark's spark.sql.sources.schemaStringLengthThreshold default. */
export const SCHEMA_PART_LENGTH = 4000;
/** Glue's limit on a column comment. */
const MAX_COMMENT_LENGTH = 255;

export const LAST_UPDATE_VERSION = 'delta.lastUpdateVersion';
export const LAST_COMMIT_TIMESTAMP = 'delta.lastCommitTimestamp';

/** What the Glue table is built from: one version of the Delta table. */
export interface TableDescription {
  /** Table root as Glue stores it (`s3://bucket/path`). */
  location: string;
  version: number;
  /** Commit time of `version` in ms, when known. */
  timestamp?: number;
  metadata: Metadata;
  protocol: Protocol;
}

/** `s3a://b/p/` -> `s3://b/p`: Athena and Glue know only the s3 scheme. */
export function glueLocation(uri: string): string {
  return uri.replace(/^s3a:\/\//i, 's3://').replace(/\/+$/, '');
}

export function hiveColumns(metadata: Metadata): Column[] {
  return parseSchemaString(metadata.schemaString).fields.map((f) => {
    const comment = f.metadata['comment'];
    return {
      Name: f.name,
      Type: hiveType(f.type),
      ...(typeof comment === 'string' && comment !== '' ? { Comment: comment.slice(0, MAX_COMMENT_LENGTH) } : {}),
    };
  });
}

/** The schema JSON split as Spark's HiveExternalCatalog stores it. */
export function schemaParameters(schemaString: string): Record<string, string> {
  const json = JSON.stringify(JSON.parse(schemaString));
  const parts: string[] = [];
  for (let i = 0; i < json.length; i += SCHEMA_PART_LENGTH) parts.push(json.slice(i, i + SCHEMA_PART_LENGTH));
  const out: Record<string, string> = { 'spark.sql.sources.schema.numParts': String(parts.length) };
  parts.forEach((p, i) => (out[`spark.sql.sources.schema.part.${i}`] = p));
  return out;
}

/** Table properties as Delta's Snapshot.getProperties: configuration, protocol versions, features. */
export function deltaProperties(metadata: Metadata, protocol: Protocol): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata.configuration)) if (k !== 'path') out[k] = v;
  out['delta.minReaderVersion'] = String(protocol.minReaderVersion);
  out['delta.minWriterVersion'] = String(protocol.minWriterVersion);
  const features = new Set([...(protocol.readerFeatures ?? []), ...(protocol.writerFeatures ?? [])]);
  for (const f of [...features].sort()) out[`delta.feature.${f}`] = 'supported';
  return out;
}

export function tableParameters(d: TableDescription): Record<string, string> {
  const description = d.metadata.description;
  return {
    ...deltaProperties(d.metadata, d.protocol),
    EXTERNAL: 'TRUE',
    table_type: 'DELTA',
    'spark.sql.sources.provider': 'delta',
    'spark.sql.partitionProvider': 'catalog',
    ...schemaParameters(d.metadata.schemaString),
    ...(description ? { comment: description } : {}),
    [LAST_UPDATE_VERSION]: String(d.version),
    ...(d.timestamp !== undefined ? { [LAST_COMMIT_TIMESTAMP]: String(d.timestamp) } : {}),
  };
}

/** The whole Glue table for a new registration. */
export function buildTableInput(name: string, d: TableDescription): TableInput {
  const location = glueLocation(d.location);
  return {
    Name: name,
    ...(d.metadata.description ? { Description: d.metadata.description } : {}),
    TableType: 'EXTERNAL_TABLE',
    Parameters: tableParameters(d),
    PartitionKeys: [],
    StorageDescriptor: {
      Columns: hiveColumns(d.metadata),
      Location: location,
      InputFormat: SEQUENCE_FILE_INPUT_FORMAT,
      OutputFormat: SEQUENCE_FILE_OUTPUT_FORMAT,
      Compressed: false,
      NumberOfBuckets: -1,
      SerdeInfo: {
        SerializationLibrary: LAZY_SIMPLE_SERDE,
        Parameters: { 'serialization.format': '1', path: location },
      },
      BucketColumns: [],
      SortColumns: [],
      Parameters: {},
      StoredAsSubDirectories: false,
    },
  };
}
