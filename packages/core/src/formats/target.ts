/**
 * Which output columns an input object produces: the target schema's fields in its order
 * (absent from the input: all null, an error when not nullable), then the input's other
 * columns with inferred types (kept: the writer's schema enforcement decides about them).
 * Names match exactly, else case-insensitively (Delta column names are case-insensitive).
 */
import * as arrow from 'apache-arrow';
import { nullData } from '../arrow/constant.js';
import { batchOf } from '../arrow/data-utils.js';
import { InputFormatError } from '../errors.js';
import { buildColumn } from './build.js';

/**
 * Target columns the input lacks: `null` (default) makes them all-null columns (an error when
 * not nullable); `omit` leaves them out (MERGE's source: the target schema only gives types).
 */
export type AbsentColumns = 'null' | 'omit';

export interface ColumnPlan {
  schema: arrow.Schema;
  /** For each output field, the input column index, or -1 when the input lacks it. */
  sources: number[];
  /** For each output field, whether its type was inferred (not from the target schema). */
  inferred: boolean[];
}

/** The input's column names for a message: all of a few, the first 20 of many. */
function listNames(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  return names.length <= 20 ? names.join(', ') : `${names.slice(0, 20).join(', ')}, ... (${names.length} in all)`;
}

/** Plan the output columns of an input with columns `names`. */
export function planColumns(
  key: string,
  names: readonly string[],
  target: arrow.Schema | undefined,
  infer: (inputIndex: number) => arrow.DataType,
  absent: AbsentColumns = 'null',
): ColumnPlan {
  const byName = new Map<string, number>();
  const byLower = new Map<string, number>();
  names.forEach((name, i) => {
    if (byName.has(name)) {
      throw new InputFormatError(
        key,
        `${key}: column "${name}" appears twice in the input; rename one of them`,
        undefined,
        name,
      );
    }
    byName.set(name, i);
    const lower = name.toLowerCase();
    byLower.set(lower, byLower.has(lower) ? -2 : i); // -2: ambiguous
  });
  const used = new Set<number>();
  const fields: arrow.Field[] = [];
  const sources: number[] = [];
  const inferred: boolean[] = [];
  for (const f of target?.fields ?? []) {
    let src = byName.get(f.name) ?? byLower.get(f.name.toLowerCase()) ?? -1;
    if (src === -2 || used.has(src)) src = -1;
    if (src < 0 && absent === 'omit') continue;
    if (src < 0 && !f.nullable) {
      throw new InputFormatError(
        key,
        `${key}: column "${f.name}" is required (not nullable) but the input has no such column ` +
          `(it has: ${listNames(names)}); add the column to the input`,
        undefined,
        f.name,
      );
    }
    if (src >= 0) used.add(src);
    fields.push(f);
    sources.push(src);
    inferred.push(false);
  }
  names.forEach((name, i) => {
    if (used.has(i)) return;
    fields.push(new arrow.Field(name, infer(i), true));
    sources.push(i);
    inferred.push(true);
  });
  return { schema: new arrow.Schema(fields, target?.metadata), sources, inferred };
}

/** Build one batch of `n` rows following `plan`; `valuesOf(src)` gives an input column's values. */
export function buildPlannedBatch(
  plan: ColumnPlan,
  n: number,
  valuesOf: (inputIndex: number) => readonly unknown[],
): arrow.RecordBatch {
  const columns = plan.schema.fields.map((f, i) => {
    const src = plan.sources[i]!;
    return src < 0 ? nullData(f.type, n) : buildColumn(valuesOf(src), n, f.type, { path: f.name });
  });
  return batchOf(plan.schema, columns, n);
}
