/**
 * MERGE's schema evolution (`withSchemaEvolution()`, as Delta's): the source's top-level
 * columns that the target lacks are appended to the table schema (nullable) when an
 * `update 'all'` / `insert 'all'` clause would write them, or a clause assigns a column of
 * that name. Under column mapping the new fields get ids and physical names and
 * `delta.columnMapping.maxColumnId` moves, in the same metaData action. Not evolved (left
 * as the target's): nested struct fields and type widening.
 */
import type { Metadata } from '../../protocol/actions.js';
import { schemaToString, type StructField, type StructType } from '../../protocol/schema.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { assignColumnMapping } from '../../write/column-mapping-assign.js';
import type { MergeSpec } from './types.js';

export interface EvolvedTable {
  schema: StructType;
  metadata: Metadata;
}

const has = (fields: readonly StructField[], name: string) =>
  fields.some((f) => f.name.toLowerCase() === name.toLowerCase());

/** Source columns the merge writes that the target lacks, in source order. */
function newColumns(spec: MergeSpec, target: StructType, source: StructType): StructField[] {
  const all = spec.clauses.some((c) => c.assignments === 'all');
  const assigned = new Set(
    spec.clauses.flatMap((c) =>
      c.assignments && c.assignments !== 'all' ? Object.keys(c.assignments).map((k) => k.toLowerCase()) : [],
    ),
  );
  return source.fields
    .filter((f) => !has(target.fields, f.name) && (all || assigned.has(f.name.toLowerCase())))
    .map((f) => ({ name: f.name, type: f.type, nullable: true, metadata: {} }));
}

/** The evolved schema and metadata, or undefined when the merge adds no column. */
export function evolveSchema(snapshot: Snapshot, spec: MergeSpec, source: StructType): EvolvedTable | undefined {
  const added = newColumns(spec, snapshot.schema, source);
  if (added.length === 0) return undefined;
  let schema: StructType = { type: 'struct', fields: [...snapshot.schema.fields, ...added] };
  const configuration = { ...snapshot.metadata.configuration };
  if (snapshot.columnMapping !== 'none') {
    const maxId = Number(configuration['delta.columnMapping.maxColumnId'] ?? 0);
    const assigned = assignColumnMapping(schema, maxId, snapshot.engine.ids);
    schema = assigned.schema;
    configuration['delta.columnMapping.maxColumnId'] = String(assigned.maxColumnId);
  }
  return { schema, metadata: { ...snapshot.metadata, schemaString: schemaToString(schema), configuration } };
}
