/**
 * Partition values of a Hive-style directory layout (`k=v/k2=v2/file.parquet`): parsed from
 * each file's directories (Hive-unescaped, `__HIVE_DEFAULT_PARTITION__` is null), checked to
 * be the same columns in the same order for every file, typed by the caller or inferred.
 */
import { InvalidArgumentError } from '../../errors.js';
import { HIVE_DEFAULT_PARTITION, unescapePartitionComponent } from '../../protocol/paths.js';
import { parsePartitionValue, serializePartitionValue } from '../../protocol/scalar.js';
import type { DataType } from '../../protocol/schema.js';

export interface PartitionColumn {
  name: string;
  type: DataType;
}

const CANONICAL_INT_RE = /^-?(?:0|[1-9]\d*)$/;
const DOUBLE_RE = /^-?(?:0|[1-9]\d*)\.\d+(?:[eE][+-]?\d+)?$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Partition column names and raw values of one file key (no `k=v` directory: empty). */
export function parsePartitionDirs(key: string): { names: string[]; values: (string | null)[] } {
  const dirs = key.split('/').slice(0, -1);
  const names: string[] = [];
  const values: (string | null)[] = [];
  for (const d of dirs) {
    const eq = d.indexOf('=');
    if (eq <= 0) {
      if (names.length > 0) {
        throw new InvalidArgumentError(`${key}: directory "${d}" is not a partition directory (name=value) inside one`);
      }
      continue;
    }
    names.push(unescapePartitionComponent(d.slice(0, eq)));
    const raw = d.slice(eq + 1);
    values.push(raw === HIVE_DEFAULT_PARTITION ? null : unescapePartitionComponent(raw));
  }
  return { names, values };
}

/** A type for each partition column from its values: integer, long, double, date, else string. */
export function inferPartitionType(values: readonly (string | null)[]): DataType {
  const present = values.filter((v): v is string => v !== null && v !== '');
  if (present.length === 0) return { type: 'string' };
  if (present.every((v) => CANONICAL_INT_RE.test(v))) {
    const fitsInt = present.every((v) => Math.abs(Number(v)) <= 2147483647);
    if (fitsInt) return { type: 'integer' };
    if (present.every((v) => BigInt.asIntN(64, BigInt(v)) === BigInt(v))) return { type: 'long' };
    return { type: 'string' };
  }
  if (present.every((v) => CANONICAL_INT_RE.test(v) || DOUBLE_RE.test(v))) return { type: 'double' };
  if (present.every((v) => DATE_RE.test(v) && !Number.isNaN(Date.parse(v)))) return { type: 'date' };
  return { type: 'string' };
}

/** The value as `add.partitionValues` stores it for `type` (canonical text; null stays null). */
export function normalizePartitionValue(value: string | null, column: PartitionColumn, key: string): string | null {
  if (value === null || value === '') return null;
  try {
    return serializePartitionValue(parsePartitionValue(value, column.type), column.type);
  } catch (err) {
    throw new InvalidArgumentError(
      (say) =>
        `${key}: partition value "${value}" of column ${column.name} is not a valid ${column.type.type}: ` +
        `${(err as Error).message}; give the column another type with ${say({ option: 'partitionBy', column: column.name })}`,
    );
  }
}
