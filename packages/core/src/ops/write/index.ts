/**
 * Writes: append, overwrite, predicate overwrite (`replaceWhere`) and dynamic partition
 * overwrite, with create-on-first-write. plan (the layout after the write, JSON) -> execute
 * (stream the data into files, find what they replace) -> commit (one transaction).
 */
import type { Engine } from '../../engine/engine.js';
import { InvalidArgumentError, WriteNotAllowedError } from '../../errors.js';
import { assertNotAppendOnly, assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { openInput, type WriteInput } from '../../write/input.js';
import { commitWrite } from './commit.js';
import { executeWrite } from './execute.js';
import { planWrite } from './plan.js';
import type { WriteMetrics, WriteOptions, WriteResult } from './types.js';

export { planWrite, executeWrite, commitWrite };
export type { WriteMetrics, WriteMode, WriteOptions, WritePlan, WriteResult, WrittenData } from './types.js';

/** Write `input` to the table (`base` undefined: create it). */
export async function writeTable(
  engine: Engine,
  base: Snapshot | undefined,
  input: WriteInput,
  opts: WriteOptions = {},
): Promise<WriteResult> {
  const skipped = skippedWrite(engine, base, opts);
  if (skipped) return skipped;
  checkWritable(base, opts);
  if (base && (opts.mode ?? 'append') !== 'append') await base.loadFiles(); // what the overwrite replaces
  const stream = await openInput(input);
  const plan = planWrite(base, stream.schema, opts, engine);
  const data = await executeWrite(engine, base, plan, stream.batches);
  return commitWrite(engine, base, plan, data, opts);
}

/** Nothing to do: the table exists and the mode says leave it, or it has this txn already. */
function skippedWrite(engine: Engine, base: Snapshot | undefined, opts: WriteOptions): WriteResult | undefined {
  if (!base) return undefined;
  const mode = opts.mode ?? 'append';
  if (mode === 'error') throw new WriteNotAllowedError(`table ${engine.store.root} already exists (mode 'error')`);
  const applied = opts.txn && base.txn(opts.txn.appId);
  if (mode === 'ignore' || (opts.txn && applied && applied.version >= opts.txn.version)) {
    return {
      version: base.version,
      skipped: true,
      created: false,
      metrics: emptyMetrics(),
      conflictsRetried: 0,
      snapshot: base,
    };
  }
  return undefined;
}

function checkWritable(base: Snapshot | undefined, opts: WriteOptions): void {
  if (base) {
    assertWritable(base.protocol, base.metadata);
  }
  const overwrite = opts.mode === 'overwrite';
  if (!overwrite && (opts.replaceWhere !== undefined || opts.partitionOverwrite === 'dynamic')) {
    throw new InvalidArgumentError(
      (say) =>
        `${say({ option: 'replaceWhere' })} and ${say({ option: 'partitionOverwrite', value: 'dynamic' })} ` +
        `need ${say({ option: 'mode', value: 'overwrite' })}`,
    );
  }
  if (base && overwrite) assertNotAppendOnly(base.protocol, base.metadata, 'overwrite');
}

function emptyMetrics(): WriteMetrics {
  return {
    numFiles: 0,
    numOutputRows: 0,
    numOutputBytes: 0,
    numRemovedFiles: 0,
    numRemovedBytes: 0,
    numRewrittenFiles: 0,
  };
}
