/** `create <table> --schema <file.json>`: a new empty table. */
import * as fs from 'node:fs';
import { DeltaTable, InvalidArgumentError, parseDataType, type StructType } from '@delta-serverless/core';
import { parseProperties } from './append.js';
import { openOptions, type CommonOptions } from './common.js';

export interface CreateCommandOptions extends CommonOptions {
  schema: string;
  partitionBy?: string;
  property?: string[];
  description?: string;
  ifNotExists?: boolean;
}

/**
 * Schema files: the Delta/Spark JSON form ({"type":"struct","fields":[...]}) or the
 * shorthand {"id": "long", "name": "string", "price": "decimal(10,2)"} (all nullable).
 */
export function readSchemaFile(file: string): StructType {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InvalidArgumentError(`cannot read schema file ${file}: ${(err as Error).message}`);
  }
  if (json && typeof json === 'object' && (json as { type?: unknown }).type === 'struct') {
    const t = parseDataType(json);
    if (t.type === 'struct') return t;
  }
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    return {
      type: 'struct',
      fields: Object.entries(json as Record<string, unknown>).map(([name, type]) => ({
        name,
        type: parseDataType(type),
        nullable: true,
        metadata: {},
      })),
    };
  }
  throw new InvalidArgumentError(`schema file ${file} must hold a Delta struct schema or an object of column: type`);
}

export async function createCommand(uri: string, opts: CreateCommandOptions, out: (s: string) => void): Promise<void> {
  const table = await DeltaTable.create(uri, {
    ...openOptions(opts),
    schema: readSchemaFile(opts.schema),
    partitionBy: opts.partitionBy ? opts.partitionBy.split(',').map((s) => s.trim()) : undefined,
    properties: parseProperties(opts.property),
    description: opts.description,
    ifNotExists: opts.ifNotExists,
  });
  const p = table.snapshot.protocol;
  out(
    `created ${table.uri} at version ${table.version} (reader ${p.minReaderVersion}, writer ${p.minWriterVersion})\n`,
  );
}
