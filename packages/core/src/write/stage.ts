/**
 * Staged writes: turn one input into data files and their add actions without committing,
 * so a caller can commit the files of several inputs together (and drop one input's files
 * without touching the others). The ingest Lambda stages one file set per source object.
 * `layoutActions` gives the protocol/metaData a commit needs to create or evolve the table.
 */
import type * as arrow from 'apache-arrow';
import type { Engine } from '../engine/engine.js';
import { systemClock } from '../util/clock.js';
import { randomIds } from '../util/ids.js';
import { InvalidArgumentError, SchemaMismatchError } from '../errors.js';
import type { AddFile, Metadata, Protocol } from '../protocol/actions.js';
import { columnMappingMode, type ColumnMappingMode } from '../protocol/features.js';
import { checkColumnNames } from '../protocol/column-names.js';
import { protocolsEqual, requiredProtocol, stripProtocolProperties } from '../protocol/protocol-upgrade.js';
import { isPrimitive, schemaToString, type StructField, type StructType } from '../protocol/schema.js';
import type { ParquetCompression } from '../parquet/writer.js';
import { arrowSchemaToDelta } from '../protocol/arrow-schema.js';
import { encodePathForLog } from '../protocol/paths.js';
import { checkConstraints, tableConstraints, validateTableProperties } from './constraints.js';
import { DataFileWriter } from './data-files.js';
import { openInput, type WriteInput } from './input.js';
import { splitByPartition } from './partition-split.js';
import { planSchema } from './schema-plan.js';
import { StatsCollector, statsColumnsFromProperties } from './stats.js';

export interface StageLayout {
  /** The table schema; undefined when the table does not exist yet (inferred from the data). */
  schema?: StructType;
  partitionColumns: readonly string[];
  /** Table properties (stats columns, codec, target file size, constraints). */
  configuration?: Readonly<Record<string, string>>;
  columnMapping?: ColumnMappingMode;
  /** 'merge' lets the data add columns; otherwise a mismatch throws SchemaMismatchError. */
  schemaMode?: 'merge' | 'strict';
  targetFileSize?: number;
  rowGroupSize?: number;
  compression?: ParquetCompression;
}

export interface StagedFiles {
  /** Schema the files were written with: the table's, plus new columns under 'merge'. */
  schema: StructType | undefined;
  /** The data adds columns to the table (or creates it). */
  schemaChanged: boolean;
  adds: AddFile[];
  numOutputRows: number;
  numOutputBytes: number;
}

const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;
const DEFAULT_ROW_GROUP_SIZE = 1_048_576;

function codecOf(props: Readonly<Record<string, string>>, opt?: ParquetCompression): ParquetCompression {
  if (opt) return opt;
  const c = props['delta.parquet.compression.codec']?.toLowerCase();
  return c === 'zstd' || c === 'gzip' ? c : c === 'uncompressed' || c === 'none' ? 'none' : 'snappy';
}

/**
 * Write `input` as data files of a table with `layout`; nothing is committed. On failure the
 * files written so far are deleted. An empty stream stages no files (`adds` is empty).
 */
export async function stageDataFiles(engine: Engine, input: WriteInput, layout: StageLayout): Promise<StagedFiles> {
  const empty = { schema: layout.schema, schemaChanged: false, adds: [], numOutputRows: 0, numOutputBytes: 0 };
  let stream;
  try {
    stream = await openInput(input);
  } catch (err) {
    // An input with no batches at all stages nothing (an empty upload is not an error here).
    if (err instanceof InvalidArgumentError && err.message.startsWith('nothing to write')) return empty;
    throw err;
  }
  const config = layout.configuration ?? {};
  const mode = layout.columnMapping ?? 'none';
  const plan = planSchema(stream.schema, layout.schema, {
    schemaMode: layout.schemaMode === 'merge' ? 'merge' : undefined,
  });
  if (layout.schema && plan.changed && mode !== 'none') {
    throw new SchemaMismatchError(
      `the data adds columns (${newColumns(layout.schema, plan.schema).join(', ')}) to a table with column mapping ` +
        `mode ${mode}; staged writes cannot assign column ids. Add the columns with an ALTER/merge write first.`,
    );
  }
  for (const p of layout.partitionColumns) {
    const f = plan.schema.fields.find((x) => x.name === p);
    if (!f)
      throw new SchemaMismatchError(
        `partition column ${p} is not in the data (columns: ${plan.schema.fields.map((x) => x.name).join(', ')})`,
      );
    if (!isPrimitive(f.type) || f.type.type === 'variant')
      throw new SchemaMismatchError(
        `partition column ${p} has type ${f.type.type}; partition columns must be primitive`,
      );
  }
  const constraints = tableConstraints(config, plan.schema);
  const writer = new DataFileWriter({
    engine,
    schema: plan.schema,
    partitionColumns: layout.partitionColumns,
    mode,
    targetFileSize: layout.targetFileSize ?? (Number(config['delta.targetFileSize']) || DEFAULT_TARGET_FILE_SIZE),
    rowGroupSize: layout.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE,
    compression: codecOf(config, layout.compression),
    stats: statsColumnsFromProperties(config),
  });
  try {
    for await (const raw of stream.batches) {
      const batch: arrow.RecordBatch = plan.conform(raw);
      checkConstraints(batch, constraints, plan.schema);
      for (const slice of splitByPartition(batch, plan.schema, layout.partitionColumns, mode))
        await writer.write(slice);
    }
    const files = await writer.finish();
    return {
      schema: plan.schema,
      schemaChanged: !layout.schema || plan.changed,
      adds: files.adds,
      numOutputRows: files.numOutputRows,
      numOutputBytes: files.numOutputBytes,
    };
  } catch (err) {
    await writer.abort(err);
    throw err;
  }
}

function newColumns(table: StructType, next: StructType): string[] {
  const have = new Set(table.fields.map((f) => f.name.toLowerCase()));
  return next.fields.filter((f) => !have.has(f.name.toLowerCase())).map((f) => f.name);
}

/**
 * Fold a staged file schema into the table schema of a commit being assembled: unchanged
 * when the files fit, the union when `merge` allows new top-level columns; otherwise throws
 * SchemaMismatchError naming the columns (that input's files cannot join this commit).
 */
export function foldStagedSchema(table: StructType, files: StructType, merge: boolean): StructType {
  const problems: string[] = [];
  const added: StructField[] = [];
  for (const f of files.fields) {
    const t =
      table.fields.find((x) => x.name === f.name) ??
      table.fields.find((x) => x.name.toLowerCase() === f.name.toLowerCase());
    if (!t) {
      if (merge) added.push({ ...f, nullable: true });
      else problems.push(`new column ${f.name}`);
    } else if (JSON.stringify(t.type) !== JSON.stringify(f.type)) {
      problems.push(
        `column ${f.name} is ${JSON.stringify(f.type)} in the data but ${JSON.stringify(t.type)} in the table`,
      );
    }
  }
  for (const t of table.fields) {
    const inFiles = files.fields.some((f) => f.name.toLowerCase() === t.name.toLowerCase());
    if (!inFiles && !t.nullable) problems.push(`NOT NULL column ${t.name} is missing`);
  }
  if (problems.length > 0)
    throw new SchemaMismatchError(
      (say) =>
        `the data does not fit the table schema: ${problems.join('; ')}.` +
        (merge ? '' : ` Use ${say({ option: 'schemaMode', value: 'merge' })} to add new columns.`),
    );
  return added.length === 0 ? table : { ...table, fields: [...table.fields, ...added] };
}

/**
 * The protocol and metaData actions a commit needs so its files fit `schema`: a new table
 * (`base` undefined) or a schema change. Empty when nothing changes.
 */
export function layoutActions(
  base: { protocol: Protocol; metadata: Metadata } | undefined,
  schema: StructType,
  create: { partitionColumns?: readonly string[]; properties?: Record<string, string>; name?: string } = {},
  engine: Pick<Engine, 'clock' | 'ids'> = { clock: systemClock, ids: randomIds },
): { protocol?: Protocol; metaData?: Metadata } {
  if (base && base.metadata.schemaString === schemaToString(schema)) return {};
  const requested = base ? {} : { ...(create.properties ?? {}) };
  const configuration: Record<string, string> = base
    ? { ...base.metadata.configuration }
    : stripProtocolProperties(requested);
  if (!base) validateTableProperties(requested, schema);
  checkColumnNames(schema, columnMappingMode({ configuration } as Metadata));
  const protocol = requiredProtocol({ ...requested, ...configuration }, schema, base?.protocol);
  const metaData: Metadata = base
    ? { ...base.metadata, schemaString: schemaToString(schema) }
    : {
        id: engine.ids.uuid(),
        ...(create.name ? { name: create.name } : {}),
        format: { provider: 'parquet', options: {} },
        schemaString: schemaToString(schema),
        partitionColumns: [...(create.partitionColumns ?? [])],
        configuration,
        createdTime: engine.clock.now(),
      };
  return !base || !protocolsEqual(protocol, base.protocol) ? { protocol, metaData } : { metaData };
}

/**
 * Stage an existing Parquet object of the table's store as a data file, by reference (no
 * copy): its columns must have exactly the table's types (no cast is possible without
 * rewriting). Stats are computed by reading it once. Unpartitioned tables without column
 * mapping only.
 */
export async function referenceDataFile(engine: Engine, path: string, layout: StageLayout): Promise<StagedFiles> {
  if (layout.partitionColumns.length > 0 || (layout.columnMapping ?? 'none') !== 'none')
    throw new InvalidArgumentError(
      `${path} cannot be added by reference: the table is partitioned or uses column mapping; rewrite it instead`,
    );
  const reader = await engine.parquet.open(engine.store, path);
  try {
    const arrowSchema = reader.arrowSchema();
    if (layout.schema) {
      const table = layout.schema;
      const bad = arrowSchemaToDelta(arrowSchema).fields.filter((f) => {
        const t = table.fields.find((x) => x.name === f.name);
        return t !== undefined && JSON.stringify(t.type) !== JSON.stringify(f.type);
      });
      if (bad.length > 0)
        throw new SchemaMismatchError(
          `${path} cannot be added by reference: column(s) ${bad.map((f) => `${f.name} ${JSON.stringify(f.type)}`).join(', ')} ` +
            'differ from the table types; rewrite it instead',
        );
    }
    const plan = planSchema(arrowSchema, layout.schema, {
      schemaMode: layout.schemaMode === 'merge' ? 'merge' : undefined,
    });
    const stats = new StatsCollector(plan.schema, statsColumnsFromProperties(layout.configuration ?? {}));
    for await (const batch of reader.readBatches()) stats.update(plan.conform(batch));
    return {
      schema: plan.schema,
      schemaChanged: !layout.schema || plan.changed,
      adds: [
        {
          path: encodePathForLog(path),
          partitionValues: {},
          size: reader.size,
          modificationTime: engine.clock.now(),
          dataChange: true,
          stats: stats.toJson(),
        },
      ],
      numOutputRows: stats.numRecords,
      numOutputBytes: 0,
    };
  } finally {
    reader.close();
  }
}
