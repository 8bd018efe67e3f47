/**
 * `convert <dir-or-prefix>`: make a directory (or s3:// prefix) of Parquet files a Delta table
 * in place, without rewriting data (CONVERT TO DELTA). Partition columns come from `k=v`
 * directories, typed with `--partition-by k:type,...` or inferred.
 */
import {
  convertToDelta,
  InvalidArgumentError,
  parseDataType,
  storeForUri,
  type DataType,
  type PartitionColumn,
} from '@delta-serverless/core';
import { counted } from '../output/format.js';
import { parseProperties } from './append.js';
import { openOptions, type CommonOptions } from './common.js';

export interface ConvertCommandOptions extends CommonOptions {
  partitionBy?: string;
  property?: string[];
  name?: string;
}

/** `a:string,b:int,c:decimal(10,2)` -> partition columns (type names as in Delta schemas; int/bigint accepted). */
export function parsePartitionSpec(spec: string): PartitionColumn[] {
  const out: PartitionColumn[] = [];
  // Split on commas outside parentheses (decimal(10,2)).
  for (const part of spec.split(/,(?![^(]*\))/)) {
    const item = part.trim();
    if (item === '') continue;
    const colon = item.indexOf(':');
    const name = colon < 0 ? item : item.slice(0, colon).trim();
    const typeName =
      colon < 0
        ? 'string'
        : item
            .slice(colon + 1)
            .trim()
            .toLowerCase();
    if (name === '') throw new InvalidArgumentError(`--partition-by: empty column name in "${spec}"`);
    let type: DataType;
    try {
      type = parseDataType(ALIASES[typeName] ?? typeName);
    } catch {
      throw new InvalidArgumentError(
        `--partition-by: unknown type "${typeName}" for ${name}; use string, int, long, double, date, timestamp, boolean, decimal(p,s)`,
      );
    }
    out.push({ name, type });
  }
  return out;
}

const ALIASES: Record<string, string> = {
  int: 'integer',
  bigint: 'long',
  smallint: 'short',
  tinyint: 'byte',
  bool: 'boolean',
};

export async function convertCommand(
  uri: string,
  opts: ConvertCommandOptions,
  out: (s: string) => void,
): Promise<void> {
  const store = storeForUri(uri, openOptions(opts).storageOptions);
  const result = await convertToDelta(store, {
    partitionBy: opts.partitionBy !== undefined ? parsePartitionSpec(opts.partitionBy) : undefined,
    properties: parseProperties(opts.property),
    name: opts.name,
  });
  const parts = result.partitionColumns.length ? `, partitioned by ${result.partitionColumns.join(', ')}` : '';
  out(
    `converted ${counted(result.numFiles, 'file')}, ${counted(result.numRecords, 'row')}${parts}: created version ${result.version}\n`,
  );
}
