/**
 * Select columns of a batch by name. (Arrow JS's RecordBatch.select builds a struct whose
 * children do not line up with the selected fields, so we never use it.)
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';

export function projectBatch(batch: arrow.RecordBatch, names: readonly string[]): arrow.RecordBatch {
  const fields: arrow.Field[] = [];
  const children: arrow.Data[] = [];
  for (const name of names) {
    const i = batch.schema.fields.findIndex((f) => f.name === name);
    if (i < 0)
      throw new InvalidArgumentError(
        `column ${name} is not in the batch (columns: ${batch.schema.fields.map((f) => f.name).join(', ')})`,
      );
    fields.push(batch.schema.fields[i]!);
    children.push(batch.data.children[i]!);
  }
  const schema = new arrow.Schema(fields, batch.schema.metadata);
  return new arrow.RecordBatch(
    schema,
    arrow.makeData({ type: new arrow.Struct(fields), length: batch.numRows, nullCount: 0, children }),
  );
}
