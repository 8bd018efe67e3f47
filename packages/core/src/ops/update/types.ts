/** UPDATE's statement, options and result: the DML machinery's, with the matched rows named as updated. */
import type { Expression, LiteralInput } from '../../expr/index.js';
import type { DmlMetrics, DmlOptions, DmlOutcome } from '../dml/index.js';

export type UpdateOptions = DmlOptions;

/**
 * What to update: which rows (`where`, as scan filters: builder or SQL text) and the new value
 * of each column: a builder expression, SQL text (`'price * 1.1'`, `"'NZ'"`; as delta-rs's
 * `updates`) or a plain non-string value (number, bigint, boolean, Date, Uint8Array, null).
 * A string is always SQL: use `lit('NZ')` or `"'NZ'"` for a string value.
 */
export interface UpdateSpec {
  where?: Expression | string;
  set: Readonly<Record<string, Expression | LiteralInput>>;
}

export interface UpdateMetrics extends Omit<DmlMetrics, 'numMatchedRows'> {
  numUpdatedRows: number;
}

export interface UpdateResult extends Omit<DmlOutcome, 'metrics'> {
  metrics: UpdateMetrics;
}
