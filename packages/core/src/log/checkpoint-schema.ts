/**
 * The Arrow schema of a classic (V1) checkpoint, column for column what Delta Spark writes
 * (PROTOCOL.md "Checkpoint Schema"; checked against Spark-written checkpoints in the corpus):
 * every field nullable, maps as map<string,string>, lists of string, longs and ints as Spark
 * types them. Plus the optional typed columns `add.partitionValues_parsed` and
 * `add.stats_parsed`, whose shape depends on the table schema and properties.
 */
import * as arrow from 'apache-arrow';
import type { Metadata } from '../protocol/actions.js';
import { deltaTypeToArrow, mapType } from '../protocol/arrow-schema.js';
import { columnMappingMode, type ColumnMappingMode } from '../protocol/features.js';
import { parseSchemaString, type DataType, type StructField, type StructType } from '../protocol/schema.js';
import { physicalName } from '../protocol/column-mapping.js';

/** A node of the stats_parsed tree: a struct of (physical) fields, or a leaf of one Delta type. */
export type StatsNode =
  { kind: 'struct'; fields: { name: string; node: StatsNode }[] } | { kind: 'leaf'; type: DataType };

export interface PartitionColumn {
  /** Key in `add.partitionValues` and field name in `partitionValues_parsed` (physical name). */
  key: string;
  type: DataType;
}

export interface CheckpointLayout {
  schema: arrow.Schema;
  /** Write `add.stats` (`delta.checkpoint.writeStatsAsJson`, default true). */
  statsJson: boolean;
  /** `add.partitionValues_parsed` columns, when written. */
  partitionParsed?: PartitionColumn[];
  /** `add.stats_parsed` min/max and nullCount trees, when written. */
  statsParsed?: { minMax?: StatsNode; nullCount?: StatsNode };
  /** Write non-null `readerFeatures` / `writerFeatures` (protocol versions 3 / 7). */
  readerFeatures: boolean;
  writerFeatures: boolean;
}

const field = (name: string, type: arrow.DataType) => new arrow.Field(name, type, true);
const utf8 = () => new arrow.Utf8();
const int64 = () => new arrow.Int64();
const int32 = () => new arrow.Int32();
const bool = () => new arrow.Bool();
const stringMap = () => mapType(utf8(), utf8(), true);
const stringList = () => new arrow.List(field('element', utf8()));

const deletionVectorType = () =>
  new arrow.Struct([
    field('storageType', utf8()),
    field('pathOrInlineDv', utf8()),
    field('offset', int32()),
    field('sizeInBytes', int32()),
    field('cardinality', int64()),
    field('maxRowIndex', int64()),
  ]);

const txnType = () =>
  new arrow.Struct([field('appId', utf8()), field('version', int64()), field('lastUpdated', int64())]);

const removeType = () =>
  new arrow.Struct([
    field('path', utf8()),
    field('deletionTimestamp', int64()),
    field('dataChange', bool()),
    field('extendedFileMetadata', bool()),
    field('partitionValues', stringMap()),
    field('size', int64()),
    field('deletionVector', deletionVectorType()),
    field('baseRowId', int64()),
    field('defaultRowCommitVersion', int64()),
  ]);

const metaDataType = () =>
  new arrow.Struct([
    field('id', utf8()),
    field('name', utf8()),
    field('description', utf8()),
    field('format', new arrow.Struct([field('provider', utf8()), field('options', stringMap())])),
    field('schemaString', utf8()),
    field('partitionColumns', stringList()),
    field('configuration', stringMap()),
    field('createdTime', int64()),
  ]);

const protocolType = () =>
  new arrow.Struct([
    field('minReaderVersion', int32()),
    field('minWriterVersion', int32()),
    field('readerFeatures', stringList()),
    field('writerFeatures', stringList()),
  ]);

const domainMetadataType = () =>
  new arrow.Struct([field('domain', utf8()), field('configuration', utf8()), field('removed', bool())]);

/** The `add` struct: JSON stats and the typed `*_parsed` columns as the table's settings ask. */
function addType(
  statsJson: boolean,
  partitionParsed: readonly PartitionColumn[],
  statsParsed: CheckpointLayout['statsParsed'],
): arrow.Struct {
  const addFields = [
    field('path', utf8()),
    field('partitionValues', stringMap()),
    field('size', int64()),
    field('modificationTime', int64()),
    field('dataChange', bool()),
    field('tags', stringMap()),
    field('deletionVector', deletionVectorType()),
    field('baseRowId', int64()),
    field('defaultRowCommitVersion', int64()),
    field('clusteringProvider', utf8()),
  ];
  if (statsJson) addFields.push(field('stats', utf8()));
  if (partitionParsed.length > 0) {
    addFields.push(
      field(
        'partitionValues_parsed',
        new arrow.Struct(partitionParsed.map((p) => field(p.key, deltaTypeToArrow(p.type)))),
      ),
    );
  }
  if (statsParsed) addFields.push(field('stats_parsed', statsParsedType(statsParsed)));
  return new arrow.Struct(addFields);
}

/** Decide what the checkpoint of a table with this metadata contains. */
export function checkpointLayout(
  metadata: Metadata,
  protocol: { minReaderVersion: number; minWriterVersion: number },
): CheckpointLayout {
  const config = metadata.configuration ?? {};
  const statsJson = (config['delta.checkpoint.writeStatsAsJson'] ?? 'true').toLowerCase() !== 'false';
  // Spark writes partitionValues_parsed unless the property is false (its default is true), but
  // never stats_parsed; the protocol makes stats_parsed opt-in ("false (which is the default)").
  const structSetting = config['delta.checkpoint.writeStatsAsStruct']?.toLowerCase();
  const mode = columnMappingMode(metadata);
  const schema = parseSchemaString(metadata.schemaString);
  const partitionParsed =
    structSetting !== 'false' ? partitionColumns(schema, metadata.partitionColumns ?? [], mode) : [];
  const statsParsed = structSetting === 'true' ? statsTrees(schema, metadata, mode) : undefined;
  const schemaFields = [
    field('txn', txnType()),
    field('add', addType(statsJson, partitionParsed, statsParsed)),
    field('remove', removeType()),
    field('metaData', metaDataType()),
    field('protocol', protocolType()),
    field('domainMetadata', domainMetadataType()),
  ];
  return {
    schema: new arrow.Schema(schemaFields),
    statsJson,
    partitionParsed: partitionParsed.length > 0 ? partitionParsed : undefined,
    statsParsed,
    readerFeatures: protocol.minReaderVersion >= 3,
    writerFeatures: protocol.minWriterVersion >= 7,
  };
}

function partitionColumns(schema: StructType, names: readonly string[], mode: ColumnMappingMode): PartitionColumn[] {
  const out: PartitionColumn[] = [];
  for (const name of names) {
    const f = schema.fields.find((x) => x.name === name);
    if (f) out.push({ key: physicalName(f, mode), type: f.type });
  }
  return out;
}

function statsParsedType(trees: { minMax?: StatsNode; nullCount?: StatsNode }): arrow.Struct {
  const fields = [field('numRecords', int64())];
  if (trees.minMax) {
    fields.push(field('minValues', nodeType(trees.minMax)));
    fields.push(field('maxValues', nodeType(trees.minMax)));
  }
  if (trees.nullCount) fields.push(field('nullCount', nodeType(trees.nullCount)));
  fields.push(field('tightBounds', bool()));
  return new arrow.Struct(fields);
}

function nodeType(node: StatsNode): arrow.DataType {
  if (node.kind === 'leaf') return deltaTypeToArrow(node.type);
  return new arrow.Struct(node.fields.map((f) => field(f.name, nodeType(f.node))));
}

// Spark collects min/max only for these types (SkippingEligibleDataType).
const MIN_MAX_TYPES = new Set([
  'byte',
  'short',
  'integer',
  'long',
  'float',
  'double',
  'decimal',
  'date',
  'timestamp',
  'timestamp_ntz',
  'string',
]);

/**
 * The stats columns of a table, as Spark chooses them: `delta.dataSkippingStatsColumns` when
 * set, else the first `delta.dataSkippingNumIndexedCols` (32; -1 = all) leaf columns of the
 * non-partition schema (arrays, maps and variants count as one leaf). Trees use physical names.
 */
export function statsTrees(
  schema: StructType,
  metadata: Metadata,
  mode: ColumnMappingMode,
): { minMax?: StatsNode; nullCount?: StatsNode } {
  const config = metadata.configuration ?? {};
  const partitions = new Set(metadata.partitionColumns ?? []);
  const dataFields = schema.fields.filter((f) => !partitions.has(f.name));
  const listed = config['delta.dataSkippingStatsColumns'];
  let remaining = Infinity;
  let selected: string[][] | undefined;
  if (listed !== undefined && listed.trim() !== '') {
    selected = parseColumnList(listed).map((p) => p.map((s) => s.toLowerCase()));
  } else {
    const n = Number.parseInt(config['delta.dataSkippingNumIndexedCols'] ?? '32', 10);
    remaining = Number.isFinite(n) && n >= 0 ? n : Infinity;
  }
  const isSelected = (path: readonly string[]) => {
    if (!selected) return true;
    const lower = path.map((s) => s.toLowerCase());
    return selected.some((sel) => sel.length <= lower.length && sel.every((s, i) => s === lower[i]));
  };

  const walk = (fields: readonly StructField[], logical: string[]): { minMax?: StatsNode; nullCount?: StatsNode } => {
    const mm: { name: string; node: StatsNode }[] = [];
    const nc: { name: string; node: StatsNode }[] = [];
    for (const f of fields) {
      if (remaining <= 0) break;
      const path = [...logical, f.name];
      const name = physicalName(f, mode);
      if (f.type.type === 'struct') {
        const sub = walk(f.type.fields, path);
        if (sub.minMax) mm.push({ name, node: sub.minMax });
        if (sub.nullCount) nc.push({ name, node: sub.nullCount });
        continue;
      }
      if (!isSelected(path)) continue;
      remaining--;
      nc.push({ name, node: { kind: 'leaf', type: { type: 'long' } } });
      if (MIN_MAX_TYPES.has(f.type.type)) mm.push({ name, node: { kind: 'leaf', type: f.type } });
    }
    return {
      minMax: mm.length > 0 ? { kind: 'struct', fields: mm } : undefined,
      nullCount: nc.length > 0 ? { kind: 'struct', fields: nc } : undefined,
    };
  };
  return walk(dataFields, []);
}

/** Split `a, b.c, \`d.e\`.f` into paths; backticks quote names (`` doubles a backtick). */
export function parseColumnList(text: string): string[][] {
  const out: string[][] = [];
  let path: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '`' && text[i + 1] === '`') {
        cur += '`';
        i++;
      } else if (c === '`') quoted = false;
      else cur += c;
    } else if (c === '`') quoted = true;
    else if (/\s/.test(c)) continue;
    else if (c === '.') {
      path.push(cur);
      cur = '';
    } else if (c === ',') {
      path.push(cur);
      if (path.some((s) => s !== '')) out.push(path);
      path = [];
      cur = '';
    } else cur += c;
  }
  path.push(cur);
  if (path.some((s) => s !== '')) out.push(path);
  return out;
}
