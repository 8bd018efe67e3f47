import { DeltaTable, formatDataType, type StructType } from '@delta-serverless/core';
import { dataTypeToJson, parseVersion } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';

export interface DescribeCommandOptions extends CommonOptions {
  version?: string;
  json?: boolean;
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
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
  const s = table.snapshot;
  const info = {
    uri: table.uri,
    version: s.version,
    id: s.tableId,
    name: s.metadata.name ?? null,
    description: s.metadata.description ?? null,
    protocol: s.protocol,
    partitionColumns: s.partitionColumns,
    numFiles: s.numFiles,
    sizeInBytes: s.sizeInBytes,
    properties: s.properties,
    schema: dataTypeToJson(s.schema),
  };
  if (opts.json) {
    out(JSON.stringify(info, null, 2) + '\n');
    return;
  }
  const p = s.protocol;
  out(`table        ${info.uri}\n`);
  out(`version      ${info.version}\n`);
  out(`id           ${info.id}\n`);
  if (info.name) out(`name         ${info.name}\n`);
  if (info.description) out(`description  ${info.description}\n`);
  out(`protocol     reader ${p.minReaderVersion}, writer ${p.minWriterVersion}\n`);
  if (p.readerFeatures?.length) out(`reader feat. ${p.readerFeatures.join(', ')}\n`);
  if (p.writerFeatures?.length) out(`writer feat. ${p.writerFeatures.join(', ')}\n`);
  out(`partitioned  ${info.partitionColumns.length ? info.partitionColumns.join(', ') : '(not partitioned)'}\n`);
  out(`files        ${info.numFiles} (${formatBytes(info.sizeInBytes)})\n`);
  const props = Object.entries(info.properties);
  out(`properties   ${props.length ? '' : '(none)'}\n`);
  for (const [k, v] of props) out(`  ${k} = ${v}\n`);
  out('schema\n');
  printSchema(s.schema, out, '  ');
}

function printSchema(schema: StructType, out: (s: string) => void, indent: string): void {
  for (const f of schema.fields) {
    out(
      `${indent}${f.name}: ${f.type.type === 'struct' ? 'struct' : formatDataType(f.type)}${f.nullable ? '' : ' NOT NULL'}\n`,
    );
    if (f.type.type === 'struct') printSchema(f.type, out, indent + '  ');
  }
}
