/**
 * Turn actions into checkpoint record batches. Each batch holds one action kind (its column
 * built row by row from the action objects, the other columns all null), so a batch of 50k
 * adds costs one pass over those adds and no intermediate row objects.
 */
import * as arrow from 'apache-arrow';
import { nullData } from '../arrow/constant.js';
import { batchOf } from '../arrow/data-utils.js';
import type {
  AddFile,
  DeletionVectorDescriptor,
  DomainMetadata,
  FileStats,
  Metadata,
  Protocol,
  RemoveFile,
  Txn,
} from '../protocol/actions.js';
import { parsePartitionValue, parseStatsValue, type Scalar } from '../protocol/scalar.js';
import {
  Int64Builder,
  scalarBuilder,
  StringListBuilder,
  StringMapBuilder,
  StructBuilder,
  type BoolBuilder,
  type BytesBuilder,
  type ColumnBuilder,
  type NumberBuilder,
} from './checkpoint-columns.js';
import type { CheckpointLayout, StatsNode } from './checkpoint-schema.js';

export type ActionKind = 'txn' | 'add' | 'remove' | 'metaData' | 'protocol' | 'domainMetadata';

function builderFor(type: arrow.DataType): ColumnBuilder {
  switch (type.typeId) {
    case arrow.Type.Struct:
      return new StructBuilder(
        type as arrow.Struct,
        type.children.map((c) => builderFor(c.type)),
      );
    case arrow.Type.Map:
      return new StringMapBuilder(type);
    case arrow.Type.List:
      return new StringListBuilder(type);
    default:
      return scalarBuilder(type);
  }
}

/** Child builder of a struct builder by field name (the schema guarantees it exists and its kind). */
function child<T extends ColumnBuilder>(s: StructBuilder, name: string): T {
  const i = (s.type as arrow.Struct).children.findIndex((f) => f.name === name);
  if (i < 0) throw new TypeError(`checkpoint schema has no field ${name}`);
  return s.children[i] as T;
}

function optionalChild<T extends ColumnBuilder>(s: StructBuilder, name: string): T | undefined {
  const i = (s.type as arrow.Struct).children.findIndex((f) => f.name === name);
  return i < 0 ? undefined : (s.children[i] as T);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const boolOf = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

function appendDv(b: StructBuilder, dv: DeletionVectorDescriptor | null | undefined): void {
  if (!dv) return b.appendNull();
  b.appendValid();
  const [storageType, path, offset, size, cardinality, maxRowIndex] = b.children as [
    BytesBuilder,
    BytesBuilder,
    NumberBuilder,
    NumberBuilder,
    Int64Builder,
    Int64Builder,
  ];
  storageType.append(str(dv.storageType));
  path.append(str(dv.pathOrInlineDv));
  offset.append(num(dv.offset));
  size.append(num(dv.sizeInBytes));
  cardinality.append(num(dv.cardinality));
  maxRowIndex.append(num((dv as { maxRowIndex?: unknown }).maxRowIndex));
}

/** Builders of one action kind's column. */
interface KindColumn<T> {
  readonly struct: StructBuilder;
  append(action: T): void;
}

/** Parsed stats of an add that has no JSON `stats` (it came from a checkpoint's `stats_parsed`). */
export type ParsedStatsLookup = (add: AddFile) => FileStats | undefined;

function addColumn(
  layout: CheckpointLayout,
  type: arrow.DataType,
  parsedStats: ParsedStatsLookup,
): KindColumn<AddFile> {
  const s = builderFor(type) as StructBuilder;
  const path = child<BytesBuilder>(s, 'path');
  const partitionValues = child<StringMapBuilder>(s, 'partitionValues');
  const size = child<Int64Builder>(s, 'size');
  const modificationTime = child<Int64Builder>(s, 'modificationTime');
  const dataChange = child<BoolBuilder>(s, 'dataChange');
  const tags = child<StringMapBuilder>(s, 'tags');
  const dv = child<StructBuilder>(s, 'deletionVector');
  const baseRowId = child<Int64Builder>(s, 'baseRowId');
  const defaultRowCommitVersion = child<Int64Builder>(s, 'defaultRowCommitVersion');
  const clusteringProvider = child<BytesBuilder>(s, 'clusteringProvider');
  const stats = optionalChild<BytesBuilder>(s, 'stats');
  const pvParsed = optionalChild<StructBuilder>(s, 'partitionValues_parsed');
  const statsParsed = optionalChild<StructBuilder>(s, 'stats_parsed');
  const partitionColumns = layout.partitionParsed ?? [];
  const partitionParsers = partitionColumns.map((p) => cachedPartitionParser(p.type));
  const trees = layout.statsParsed;
  return {
    struct: s,
    append(add) {
      s.appendValid();
      path.append(add.path);
      partitionValues.append(add.partitionValues ?? {});
      size.append(num(add.size));
      modificationTime.append(num(add.modificationTime));
      // A checkpoint changes no data: Delta Spark writes dataChange=false for its adds and removes.
      dataChange.append(false);
      tags.append(add.tags);
      appendDv(dv, add.deletionVector);
      baseRowId.append(num(add.baseRowId));
      defaultRowCommitVersion.append(num(add.defaultRowCommitVersion));
      clusteringProvider.append(str(add.clusteringProvider));
      const parsed = typeof add.stats === 'string' ? undefined : parsedStats(add);
      stats?.append(typeof add.stats === 'string' ? add.stats : parsed ? JSON.stringify(parsed) : null);
      if (pvParsed) {
        pvParsed.appendValid();
        for (let i = 0; i < partitionColumns.length; i++) {
          pvParsed.children[i]!.appendScalar(partitionParsers[i]!(add.partitionValues?.[partitionColumns[i]!.key]));
        }
      }
      if (statsParsed && trees) appendStatsParsed(statsParsed, trees, parsed ?? add.stats);
    },
  };
}

const PARTITION_CACHE_LIMIT = 10_000;

/** parsePartitionValue with a cache: tables have few distinct values per partition column. */
function cachedPartitionParser(
  type: Parameters<typeof parsePartitionValue>[1],
): (raw: string | null | undefined) => Scalar {
  const cache = new Map<string, Scalar>();
  return (raw) => {
    if (raw === null || raw === undefined) return null;
    let v = cache.get(raw);
    if (v === undefined) {
      try {
        v = parsePartitionValue(raw, type);
      } catch {
        v = null; // an unparsable value only loses the typed copy; the string map keeps it
      }
      if (cache.size >= PARTITION_CACHE_LIMIT) cache.clear();
      cache.set(raw, v);
    }
    return v;
  };
}

function appendStatsParsed(
  b: StructBuilder,
  trees: NonNullable<CheckpointLayout['statsParsed']>,
  json: string | FileStats | null | undefined,
): void {
  let stats: unknown = json;
  if (typeof json === 'string') {
    try {
      stats = JSON.parse(json);
    } catch {
      stats = undefined;
    }
  }
  if (!isObject(stats)) return b.appendNull();
  b.appendValid();
  let i = 0;
  (b.children[i++] as Int64Builder).append(num(stats.numRecords));
  if (trees.minMax) {
    appendNode(trees.minMax, b.children[i++]!, stats.minValues);
    appendNode(trees.minMax, b.children[i++]!, stats.maxValues);
  }
  if (trees.nullCount) appendNode(trees.nullCount, b.children[i++]!, stats.nullCount);
  (b.children[i] as BoolBuilder).append(boolOf(stats.tightBounds));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function appendNode(node: StatsNode, b: ColumnBuilder, value: unknown): void {
  if (node.kind === 'struct') {
    const s = b as StructBuilder;
    if (!isObject(value)) return s.appendNull();
    s.appendValid();
    for (let i = 0; i < node.fields.length; i++)
      appendNode(node.fields[i]!.node, s.children[i]!, value[node.fields[i]!.name]);
    return;
  }
  // Counts and integral longs skip the BigInt that parseStatsValue would allocate.
  if (typeof value === 'number' && b instanceof Int64Builder && node.type.type === 'long') return b.append(value);
  b.appendScalar(parseStatsValue(value, node.type));
}

function removeColumn(type: arrow.DataType): KindColumn<RemoveFile> {
  const s = builderFor(type) as StructBuilder;
  const [path, deletionTimestamp, dataChange, extended, partitionValues, size, dv, baseRowId, defaultRowCommitVersion] =
    [
      'path',
      'deletionTimestamp',
      'dataChange',
      'extendedFileMetadata',
      'partitionValues',
      'size',
      'deletionVector',
      'baseRowId',
      'defaultRowCommitVersion',
    ].map((n) => child(s, n)) as [
      BytesBuilder,
      Int64Builder,
      BoolBuilder,
      BoolBuilder,
      StringMapBuilder,
      Int64Builder,
      StructBuilder,
      Int64Builder,
      Int64Builder,
    ];
  return {
    struct: s,
    append(rm) {
      s.appendValid();
      path.append(rm.path);
      deletionTimestamp.append(num(rm.deletionTimestamp));
      dataChange.append(false);
      extended.append(boolOf(rm.extendedFileMetadata));
      partitionValues.append(rm.partitionValues);
      size.append(num(rm.size));
      appendDv(dv, rm.deletionVector);
      baseRowId.append(num(rm.baseRowId));
      defaultRowCommitVersion.append(num(rm.defaultRowCommitVersion));
    },
  };
}

function metadataColumn(type: arrow.DataType): KindColumn<Metadata> {
  const s = builderFor(type) as StructBuilder;
  const format = child<StructBuilder>(s, 'format');
  return {
    struct: s,
    append(m) {
      s.appendValid();
      child<BytesBuilder>(s, 'id').append(m.id);
      child<BytesBuilder>(s, 'name').append(str(m.name));
      child<BytesBuilder>(s, 'description').append(str(m.description));
      format.appendValid();
      child<BytesBuilder>(format, 'provider').append(m.format?.provider ?? 'parquet');
      child<StringMapBuilder>(format, 'options').append(m.format?.options ?? {});
      child<BytesBuilder>(s, 'schemaString').append(m.schemaString);
      child<StringListBuilder>(s, 'partitionColumns').append(m.partitionColumns ?? []);
      child<StringMapBuilder>(s, 'configuration').append(m.configuration ?? {});
      child<Int64Builder>(s, 'createdTime').append(num(m.createdTime));
    },
  };
}

function protocolColumn(layout: CheckpointLayout, type: arrow.DataType): KindColumn<Protocol> {
  const s = builderFor(type) as StructBuilder;
  return {
    struct: s,
    append(p) {
      s.appendValid();
      child<NumberBuilder>(s, 'minReaderVersion').append(p.minReaderVersion);
      child<NumberBuilder>(s, 'minWriterVersion').append(p.minWriterVersion);
      // Required (possibly empty) at reader version 3 / writer version 7, null below.
      child<StringListBuilder>(s, 'readerFeatures').append(layout.readerFeatures ? (p.readerFeatures ?? []) : null);
      child<StringListBuilder>(s, 'writerFeatures').append(layout.writerFeatures ? (p.writerFeatures ?? []) : null);
    },
  };
}

function txnColumn(type: arrow.DataType): KindColumn<Txn> {
  const s = builderFor(type) as StructBuilder;
  const [appId, version, lastUpdated] = s.children as [BytesBuilder, Int64Builder, Int64Builder];
  return {
    struct: s,
    append(t) {
      s.appendValid();
      appId.append(t.appId);
      version.append(num(t.version));
      lastUpdated.append(num(t.lastUpdated));
    },
  };
}

function domainColumn(type: arrow.DataType): KindColumn<DomainMetadata> {
  const s = builderFor(type) as StructBuilder;
  const [domain, configuration, removed] = s.children as [BytesBuilder, BytesBuilder, BoolBuilder];
  return {
    struct: s,
    append(d) {
      s.appendValid();
      domain.append(d.domain);
      configuration.append(d.configuration);
      removed.append(d.removed === true);
    },
  };
}

export interface ActionTypes {
  txn: Txn;
  add: AddFile;
  remove: RemoveFile;
  metaData: Metadata;
  protocol: Protocol;
  domainMetadata: DomainMetadata;
}

/** Builds single-kind record batches in the checkpoint's schema. */
export class CheckpointBatcher {
  private readonly columns: { [K in ActionKind]: KindColumn<ActionTypes[K]> };
  private readonly nullCache = new Map<string, arrow.Data>();

  constructor(
    private readonly layout: CheckpointLayout,
    parsedStats: ParsedStatsLookup = () => undefined,
  ) {
    const typeOf = (name: ActionKind) => layout.schema.fields.find((f) => f.name === name)!.type;
    this.columns = {
      txn: txnColumn(typeOf('txn')),
      add: addColumn(layout, typeOf('add'), parsedStats),
      remove: removeColumn(typeOf('remove')),
      metaData: metadataColumn(typeOf('metaData')),
      protocol: protocolColumn(layout, typeOf('protocol')),
      domainMetadata: domainColumn(typeOf('domainMetadata')),
    };
  }

  append<K extends ActionKind>(kind: K, action: ActionTypes[K]): void {
    this.columns[kind].append(action);
  }

  /** Rows of `kind` buffered since the last flush. */
  pending(kind: ActionKind): number {
    return this.columns[kind].struct.length;
  }

  /**
   * The buffered rows of `kind` as a batch (other action columns null); undefined when none.
   * The batch views reused buffers: consume it before appending more rows.
   */
  flush(kind: ActionKind): arrow.RecordBatch | undefined {
    const n = this.pending(kind);
    if (n === 0) return undefined;
    const schema = this.layout.schema;
    const columns = schema.fields.map((f) => (f.name === kind ? this.columns[kind].struct.finish() : this.nulls(f, n)));
    return batchOf(schema, columns, n);
  }

  /** All-null column data, shared between batches of the same size (it is never written to). */
  private nulls(field: arrow.Field, n: number): arrow.Data {
    const key = `${field.name}:${n}`;
    let data = this.nullCache.get(key);
    if (!data) {
      if (this.nullCache.size > 32) this.nullCache.clear();
      this.nullCache.set(key, (data = nullData(field.type, n)));
    }
    return data;
  }
}
