/**
 * MERGE's schema evolution (`withSchemaEvolution()`, as Delta's), over the source columns the
 * merge writes from the source column of the same name (every one under an `update 'all'` /
 * `insert 'all'` clause; under an assignment list, a column assigned exactly `s.<name>`, or a
 * new column of that name):
 *
 * * a top-level column the target lacks is appended (nullable);
 * * a struct column gains the fields its source struct has and the target's lacks (nullable,
 *   at the end of the struct, recursively), as Delta adds new nested fields;
 * * a source type wider than the target's (`isSupportedWidening`: byte -> short -> int -> long,
 *   float -> double, int -> double, date -> timestamp_ntz, decimal precision / scale increases,
 *   integers to wide-enough decimals) widens the column when the table has
 *   `delta.enableTypeWidening=true`, recorded in the field's `delta.typeChanges` metadata as
 *   appends do; without it, a `SchemaMismatchError` saying how to enable it or cast the source.
 *
 * Other type differences are left to the store assignment of the values (ops/dml/assign.ts).
 * Under column mapping the new fields get ids and physical names and
 * `delta.columnMapping.maxColumnId` moves, in the same metaData action. The source's struct
 * columns that feed evolved struct columns are conformed to the table's struct type (fields
 * matched by name, missing ones NULL), so they assign as columns of the same type. Not
 * evolved: structs inside arrays and maps.
 */
import { SchemaMismatchError } from '../../errors.js';
import { parseExpression } from '../../expr/index.js';
import { typesEqual } from '../../expr/scalar-ops.js';
import type { Metadata } from '../../protocol/actions.js';
import {
  formatDataType,
  parseSchemaString,
  schemaToString,
  type DataType,
  type StructField,
  type StructType,
} from '../../protocol/schema.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { assignColumnMapping } from '../../write/column-mapping-assign.js';
import { conformer, type TypeChange } from '../../write/schema-plan.js';
import { isSupportedWidening, recordTypeChange } from '../../write/type-widening.js';
import type { MergeSource } from './load-source.js';
import type { MergeSpec } from './types.js';

export interface EvolvedTable {
  schema: StructType;
  metadata: Metadata;
}

const named = <T extends { name: string }>(fields: readonly T[], name: string): T | undefined =>
  fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());

/** Source columns the merge writes into the target column of the same name, in source order. */
function writtenColumns(spec: MergeSpec, target: StructType, source: StructType): StructField[] {
  if (spec.clauses.some((c) => c.assignments === 'all')) return source.fields;
  const names = new Set<string>();
  for (const c of spec.clauses) {
    if (!c.assignments || c.assignments === 'all') continue;
    for (const [name, sql] of Object.entries(c.assignments)) {
      const bare = (
        name.startsWith(`${spec.targetAlias}.`) ? name.slice(spec.targetAlias.length + 1) : name
      ).toLowerCase();
      const e = parseExpression(sql);
      const fromSame =
        e.kind === 'column' &&
        e.path.length === 2 &&
        e.path[0] === spec.sourceAlias &&
        e.path[1]!.toLowerCase() === bare;
      if (fromSame || !named(target.fields, bare)) names.add(bare);
    }
  }
  return source.fields.filter((f) => names.has(f.name.toLowerCase()));
}

interface Evolution {
  widening: boolean;
  changes: TypeChange[];
}

function evolveStruct(target: StructType, source: StructType, prefix: string, ev: Evolution): StructType {
  const fields = target.fields.map((tf) => {
    const sf = named(source.fields, tf.name);
    return sf ? { ...tf, type: evolveType(tf.type, sf.type, prefix + tf.name, ev) } : tf;
  });
  for (const sf of source.fields)
    if (!named(target.fields, sf.name)) fields.push({ name: sf.name, type: sf.type, nullable: true, metadata: {} });
  return { type: 'struct', fields };
}

function evolveType(target: DataType, source: DataType, path: string, ev: Evolution): DataType {
  if (target.type === 'struct' && source.type === 'struct') return evolveStruct(target, source, `${path}.`, ev);
  if (typesEqual(target, source) || !isSupportedWidening(target, source)) return target;
  if (!ev.widening)
    throw new SchemaMismatchError(
      (say) =>
        `merge: source column ${path} is ${formatDataType(source)}, wider than the table's ${formatDataType(target)}; ` +
        `schema evolution widens column types only on a table with type widening enabled ` +
        `(${say({ operation: 'setProperties', properties: { 'delta.enableTypeWidening': 'true' } })}), ` +
        `or cast the source column to ${formatDataType(target)}; nothing was committed`,
    );
  ev.changes.push({ path, from: target, to: source });
  return source;
}

/** The evolved schema and metadata, or undefined when the merge changes no column. */
export function evolveSchema(snapshot: Snapshot, spec: MergeSpec, source: StructType): EvolvedTable | undefined {
  const target = snapshot.schema;
  const written = writtenColumns(spec, target, source);
  const ev: Evolution = {
    widening: snapshot.metadata.configuration['delta.enableTypeWidening'] === 'true',
    changes: [],
  };
  const merged = evolveStruct(target, { type: 'struct', fields: written }, '', ev);
  if (schemaToString(merged) === schemaToString(target)) return undefined;
  let schema = merged;
  const configuration = { ...snapshot.metadata.configuration };
  if (snapshot.columnMapping !== 'none') {
    const maxId = Number(configuration['delta.columnMapping.maxColumnId'] ?? 0);
    const assigned = assignColumnMapping(schema, maxId, snapshot.engine.ids);
    schema = assigned.schema;
    configuration['delta.columnMapping.maxColumnId'] = String(assigned.maxColumnId);
  }
  for (const tc of ev.changes) recordTypeChange(schema, tc.path, tc.from, tc.to);
  const schemaString = schemaToString(schema);
  // Parsed back: the layout every executor (and a worker) compiles against, so struct types compare equal.
  return { schema: parseSchemaString(schemaString), metadata: { ...snapshot.metadata, schemaString, configuration } };
}

/**
 * The source with each struct column that feeds a struct column of the evolved table given
 * that column's type (fields by name, missing ones NULL), so `s.col` assigns to `t.col` as a
 * column of the same type. Other columns are left as they are.
 */
export function conformSource(source: MergeSource, table: StructType): MergeSource {
  let changed = false;
  const fields = source.schema.fields.map((f) => {
    const t = named(table.fields, f.name);
    if (!t || f.type.type !== 'struct' || t.type.type !== 'struct' || schemaToString(t.type) === schemaToString(f.type))
      return f;
    changed = true;
    return { ...f, type: t.type };
  });
  if (!changed) return source;
  const schema: StructType = { type: 'struct', fields };
  return { batch: conformer(schema)(source.batch), schema };
}
