/**
 * Read MERGE's source once into memory: an Arrow table, one record batch, an array or a
 * stream of batches (the SDK's `WriteInput`). The batches are concatenated into one batch
 * whose columns have the Arrow types of their Delta types (so a source column taken as is
 * has the table's layout); the whole is bounded by `maxSourceBytes` (checked as batches
 * arrive, so an oversized stream fails before it is all read).
 */
import * as arrow from 'apache-arrow';
import { castData } from '../../arrow/cast.js';
import { concatBatches } from '../../arrow/concat.js';
import { batchOf } from '../../arrow/data-utils.js';
import { arrowFieldToDelta, deltaFieldToArrow } from '../../protocol/arrow-schema.js';
import type { StructType } from '../../protocol/schema.js';
import { openInput, type WriteInput } from '../../write/input.js';
import { arrowBytes, checkSourceSize, DEFAULT_MAX_SOURCE_BYTES } from './source.js';

export interface MergeSource {
  /** Every source row, in one batch. */
  batch: arrow.RecordBatch;
  /** Its columns as Delta types (all nullable). */
  schema: StructType;
}

/** One batch with canonical Arrow types (the Delta type's Arrow form) and its Delta schema. */
export function normalizeSource(batch: arrow.RecordBatch): MergeSource {
  const fields = batch.schema.fields.map((f) => ({ ...arrowFieldToDelta(f), nullable: true }));
  const arrowFields = fields.map((f) => deltaFieldToArrow(f));
  const children = batch.data.children.map((d, i) =>
    arrow.util.compareTypes(d.type, arrowFields[i]!.type) ? d : castData(d, arrowFields[i]!.type),
  );
  return { batch: batchOf(new arrow.Schema(arrowFields), children, batch.numRows), schema: { type: 'struct', fields } };
}

/** Read the whole source (bounded by `maxBytes`) into one normalized batch. */
export async function loadSource(input: WriteInput, maxBytes = DEFAULT_MAX_SOURCE_BYTES): Promise<MergeSource> {
  const stream = await openInput(input);
  const batches: arrow.RecordBatch[] = [];
  let bytes = 0;
  for await (const b of stream.batches) {
    batches.push(b);
    bytes += arrowBytes(new arrow.Table([b]));
    if (bytes > maxBytes) checkSourceSize(new arrow.Table(batches), maxBytes);
  }
  return normalizeSource(concatBatches(batches, stream.schema));
}
