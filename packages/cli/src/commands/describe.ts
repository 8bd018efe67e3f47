/**
 * `describe <table> [--version N] [--json]`: protocol and the table features it turns on,
 * partitioning, files and size, properties, CHECK constraints and the schema with each
 * column's nullability and column-level rules (generated, identity, default, invariant).
 */
import { DeltaTable, formatDataType, type DataType, type Protocol, type StructField } from '@delta-serverless/core';
import { dataTypeToJson, parseVersion } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';
import { counted, formatBytes } from '../output/format.js';
import { renderTable } from '../output/table.js';

export interface DescribeCommandOptions extends CommonOptions {
  version?: string;
  json?: boolean;
}

const CONSTRAINT_PREFIX = 'delta.constraints.';

/** Writer features legacy writer versions imply (PROTOCOL.md, "Table Features"), in version order. */
const LEGACY_WRITER: [string, number][] = [
  ['appendOnly', 2],
  ['invariants', 2],
  ['checkConstraints', 3],
  ['changeDataFeed', 4],
  ['generatedColumns', 4],
  ['columnMapping', 5],
  ['identityColumns', 6],
];

/** The features the protocol turns on: listed (reader 3 / writer 7) or implied by legacy versions. */
export function tableFeatures(p: Protocol): { reader: string[]; writer: string[]; implied: boolean } {
  const reader =
    p.minReaderVersion >= 3 ? [...(p.readerFeatures ?? [])] : p.minReaderVersion >= 2 ? ['columnMapping'] : [];
  const writer =
    p.minWriterVersion >= 7
      ? [...(p.writerFeatures ?? [])]
      : LEGACY_WRITER.filter(([, v]) => p.minWriterVersion >= v).map(([f]) => f);
  return { reader, writer, implied: p.minWriterVersion < 7 };
}

/** `delta.constraints.<name>` properties as name -> expression. */
export function checkConstraints(properties: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([k]) => k.startsWith(CONSTRAINT_PREFIX))
      .map(([k, v]) => [k.slice(CONSTRAINT_PREFIX.length), v]),
  );
}

/** Column-level rules from field metadata: generated, identity, default, invariant, comment. */
function columnNotes(f: StructField): string {
  const m = f.metadata;
  const notes: string[] = [];
  if (typeof m['delta.generationExpression'] === 'string')
    notes.push(`generated as ${m['delta.generationExpression']}`);
  if (m['delta.identity.start'] !== undefined)
    notes.push(`identity (start ${String(m['delta.identity.start'])}, step ${String(m['delta.identity.step'])})`);
  if (typeof m['CURRENT_DEFAULT'] === 'string') notes.push(`default ${m['CURRENT_DEFAULT']}`);
  if (typeof m['delta.invariants'] === 'string') {
    try {
      const inv = JSON.parse(m['delta.invariants']) as { expression?: { expression?: string } };
      notes.push(`invariant ${inv.expression?.expression ?? m['delta.invariants']}`);
    } catch {
      notes.push(`invariant ${m['delta.invariants']}`);
    }
  }
  if (typeof m['comment'] === 'string') notes.push(`comment: ${m['comment']}`);
  return notes.join('; ');
}

/** One row per column, nested struct fields as `a.b`: name, type, nullability, notes. */
function schemaRows(fields: readonly StructField[], prefix = ''): string[][] {
  return fields.flatMap((f) => {
    const t: DataType = f.type;
    const row = [
      `${prefix}${f.name}`,
      t.type === 'struct' ? 'struct' : formatDataType(t),
      f.nullable ? 'yes' : 'NOT NULL',
      columnNotes(f),
    ];
    return [row, ...(t.type === 'struct' ? schemaRows(t.fields, `${prefix}${f.name}.`) : [])];
  });
}

function describeText(table: DeltaTable, out: (s: string) => void): void {
  const s = table.snapshot;
  const p = s.protocol;
  const line = (label: string, value: string) => out(`${label.padEnd(12)} ${value}`.trimEnd() + '\n');
  line('table', table.uri);
  line('version', String(s.version));
  line('id', s.tableId);
  if (s.metadata.name) line('name', s.metadata.name);
  if (s.metadata.description) line('description', s.metadata.description);
  line('protocol', `reader ${p.minReaderVersion}, writer ${p.minWriterVersion}`);
  const f = tableFeatures(p);
  if (f.implied)
    line(
      'features',
      f.writer.length ? `${f.writer.join(', ')} (implied by writer version ${p.minWriterVersion})` : '(none)',
    );
  else {
    line('features', `reader: ${f.reader.join(', ') || '(none)'}`);
    line('', `writer: ${f.writer.join(', ') || '(none)'}`);
  }
  line('partitioned', s.partitionColumns.length ? s.partitionColumns.join(', ') : '(not partitioned)');
  line('files', `${counted(s.numFiles, 'file')}, ${formatBytes(s.sizeInBytes)}`);
  const constraints = Object.entries(checkConstraints(s.properties));
  line('constraints', constraints.length ? `${constraints[0]![0]}: ${constraints[0]![1]}` : '(none)');
  for (const [name, sql] of constraints.slice(1)) line('', `${name}: ${sql}`);
  const props = Object.entries(s.properties).filter(([k]) => !k.startsWith(CONSTRAINT_PREFIX));
  line('properties', props.length ? '' : '(none)');
  for (const [k, v] of props) out(`  ${k} = ${v}\n`);
  out('schema\n');
  const rows = schemaRows(s.schema.fields);
  const notes = rows.some((r) => r[3] !== '');
  const columns = [
    { header: 'column' },
    { header: 'type' },
    { header: 'nullable' },
    ...(notes ? [{ header: 'notes' }] : []),
  ];
  for (const l of renderTable(columns, rows)) out(`  ${l}\n`);
}

export async function describeCommand(
  uri: string,
  opts: DescribeCommandOptions,
  out: (s: string) => void,
): Promise<void> {
  const table = await DeltaTable.open(uri, {
    ...openOptions(opts),
    version: opts.version !== undefined ? parseVersion(opts.version, '--version') : undefined,
  });
  if (!opts.json) return describeText(table, out);
  const s = table.snapshot;
  const features = tableFeatures(s.protocol);
  const info = {
    uri: table.uri,
    version: s.version,
    id: s.tableId,
    name: s.metadata.name ?? null,
    description: s.metadata.description ?? null,
    protocol: s.protocol,
    features: { reader: features.reader, writer: features.writer },
    partitionColumns: s.partitionColumns,
    numFiles: s.numFiles,
    sizeInBytes: s.sizeInBytes,
    properties: s.properties,
    constraints: checkConstraints(s.properties),
    schema: dataTypeToJson(s.schema),
  };
  out(JSON.stringify(info, null, 2) + '\n');
}
