/**
 * What users can hand to a write: an Arrow Table, one RecordBatch, an array of batches,
 * or any (async) iterable of batches. Normalised to an async stream whose schema is known
 * after the first batch, so huge inputs stream through in bounded memory.
 */
import * as arrow from 'apache-arrow';
import { InvalidArgumentError } from '../errors.js';

export type WriteInput =
  | arrow.Table
  | arrow.RecordBatch
  | readonly arrow.RecordBatch[]
  | Iterable<arrow.RecordBatch>
  | AsyncIterable<arrow.RecordBatch>;

export interface InputStream {
  schema: arrow.Schema;
  batches: AsyncIterable<arrow.RecordBatch>;
  /** True when every batch is already in memory (validated before anything is written). */
  inMemory: boolean;
}

function isAsyncIterable(x: unknown): x is AsyncIterable<arrow.RecordBatch> {
  return !!x && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

export async function openInput(input: WriteInput): Promise<InputStream> {
  if (input instanceof arrow.Table) {
    return { schema: input.schema, batches: toAsync(input.batches), inMemory: true };
  }
  if (input instanceof arrow.RecordBatch) return { schema: input.schema, batches: toAsync([input]), inMemory: true };
  if (Array.isArray(input)) {
    const batches = input as readonly arrow.RecordBatch[];
    if (batches.length === 0)
      throw new InvalidArgumentError(
        'nothing to write: the batch array is empty (pass an Arrow Table with a schema to write zero rows)',
      );
    return { schema: batches[0]!.schema, batches: toAsync(batches), inMemory: true };
  }
  const iterator = isAsyncIterable(input)
    ? input[Symbol.asyncIterator]()
    : toAsync(input as Iterable<arrow.RecordBatch>)[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) throw new InvalidArgumentError('nothing to write: the batch stream is empty');
  const head = first.value;
  if (!(head instanceof arrow.RecordBatch))
    throw new InvalidArgumentError('write input must yield Apache Arrow RecordBatch objects');
  return {
    schema: head.schema,
    inMemory: false,
    batches: (async function* () {
      yield head;
      while (true) {
        const n = await iterator.next();
        if (n.done) return;
        yield n.value;
      }
    })(),
  };
}

async function* toAsync(batches: Iterable<arrow.RecordBatch>): AsyncGenerator<arrow.RecordBatch> {
  for (const b of batches) yield b;
}
