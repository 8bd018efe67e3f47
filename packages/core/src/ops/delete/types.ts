/** DELETE's options and result: the DML machinery's, with the matched rows named as deleted. */
import type { DmlMetrics, DmlOptions, DmlOutcome } from '../dml/index.js';

export type DeleteOptions = DmlOptions;

export interface DeleteMetrics extends Omit<DmlMetrics, 'numMatchedRows'> {
  numDeletedRows: number;
}

export interface DeleteResult extends Omit<DmlOutcome, 'metrics'> {
  metrics: DeleteMetrics;
}
