/**
 * Column names a Delta table can hold (PROTOCOL.md and Delta Spark): unique within their
 * struct regardless of case (Spark's reader throws on `a` beside `A`, Trino sees a duplicate,
 * DuckDB merges them), and, without column mapping, free of the characters Parquet schemas
 * and Hive metastores cannot carry (` ,;{}()\n\t=`). Column mapping stores other physical
 * names in the files, so it allows them.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ColumnMappingMode } from './features.js';
import type { DataType, StructType } from './schema.js';

const INVALID = /[ ,;{}()\n\t=]/;

function show(name: string): string {
  return JSON.stringify(name);
}

/** Throws when two names of `names` (at `where`) are equal ignoring case. */
export function checkUniqueNames(names: readonly string[], where = ''): void {
  const seen = new Map<string, string>();
  for (const name of names) {
    const key = name.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      throw new InvalidArgumentError(
        `columns ${show(other)} and ${show(name)}${where ? ` in ${where}` : ''} differ only by case: Delta column names ` +
          'must be unique regardless of case (Spark, Trino and DuckDB would not tell them apart). Rename one of them.',
      );
    }
    seen.set(key, name);
  }
}

function visit(t: DataType, path: string, mode: ColumnMappingMode): void {
  if (t.type === 'array') return visit(t.elementType, `${path}.element`, mode);
  if (t.type === 'map') {
    visit(t.keyType, `${path}.key`, mode);
    return visit(t.valueType, `${path}.value`, mode);
  }
  if (t.type !== 'struct') return;
  checkUniqueNames(
    t.fields.map((f) => f.name),
    path || undefined,
  );
  for (const f of t.fields) {
    const full = path ? `${path}.${f.name}` : f.name;
    if (mode === 'none' && INVALID.test(f.name)) {
      throw new InvalidArgumentError(
        `column name ${show(full)} contains one of the characters " ,;{}()\\n\\t=", which a table without column mapping ` +
          "cannot hold (as in Delta Spark). Rename the column, or create the table with 'delta.columnMapping.mode': 'name', which allows them.",
      );
    }
    visit(f.type, full, mode);
  }
}

/** Throws unless every column name of `schema` is valid for a table with column mapping `mode`. */
export function checkColumnNames(schema: StructType, mode: ColumnMappingMode): void {
  visit(schema, '', mode);
}
