/**
 * What no Delta table may have, checked before a table is created or its schema changes:
 * - an empty column name, at any depth (Spark and Parquet readers cannot address it);
 * - partitioning by every column: the data files would hold no column at all (the Parquet
 *   writer then produces no rows), so a table needs at least one data column.
 */
import { InvalidArgumentError } from '../errors.js';
import type { DataType, StructType } from './schema.js';

/** Throws when a field name of `schema` (nested ones included) is empty. */
export function assertColumnNames(schema: StructType): void {
  const visit = (type: DataType, path: string): void => {
    if (typeof type !== 'object') return;
    if (type.type === 'struct') {
      type.fields.forEach((f, i) => {
        const at = path ? `${path}.${f.name}` : f.name;
        if (f.name === '') {
          const where = path ? `field ${i + 1} of ${path}` : `column ${i + 1}`;
          throw new InvalidArgumentError(`${where} has an empty name; every column needs a name`);
        }
        visit(f.type, at);
      });
    } else if (type.type === 'array') visit(type.elementType, `${path}[]`);
    else if (type.type === 'map') {
      visit(type.keyType, `${path}.key`);
      visit(type.valueType, `${path}.value`);
    }
  };
  visit(schema, '');
}

/** Throws when `partitionColumns` name every column of `schema`. */
export function assertDataColumn(schema: StructType, partitionColumns: readonly string[]): void {
  if (partitionColumns.length === 0 || schema.fields.some((f) => !partitionColumns.includes(f.name))) return;
  throw new InvalidArgumentError(
    `partitioning by every column (${partitionColumns.join(', ')}) leaves the data files no column; ` +
      'a table needs at least one column that is not a partition column: partition by fewer columns',
  );
}
