/** CREATE TABLE's commit: version 0 (protocol and metadata), or the existing table with `ifNotExists`. */
import type { Engine } from '../../engine/engine.js';
import { TableNotFoundError, WriteNotAllowedError } from '../../errors.js';
import type { Metadata } from '../../protocol/actions.js';
import { schemaToString } from '../../protocol/schema.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { commitTransaction, TableCreatedConcurrentlyError } from '../../transaction/index.js';
import type { CreatePlan } from './plan.js';
import type { CreateTableOptions } from './types.js';

export async function commitCreate(
  engine: Engine,
  plan: CreatePlan,
  existing: () => Promise<Snapshot | undefined>,
  opts: Pick<CreateTableOptions, 'ifNotExists' | 'coordinator' | 'retry' | 'onConflict'>,
): Promise<Snapshot> {
  const found = await existing();
  if (found) {
    if (opts.ifNotExists) return found;
    throw new WriteNotAllowedError(
      (say) =>
        `a Delta table already exists at ${engine.store.root} (version ${found.version}); to keep it, pass ${say({ option: 'ifNotExists' })}`,
    );
  }
  const metadata: Metadata = {
    id: engine.ids.uuid(),
    ...(plan.name ? { name: plan.name } : {}),
    ...(plan.description ? { description: plan.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToString(plan.schema),
    partitionColumns: plan.partitionBy,
    configuration: plan.configuration,
    createdTime: engine.clock.now(),
  };
  try {
    const outcome = await commitTransaction(
      engine,
      undefined,
      {
        actions: [{ protocol: plan.protocol }, { metaData: metadata }],
        operation: 'CREATE TABLE',
        operationParameters: {
          partitionBy: JSON.stringify(plan.partitionBy),
          description: plan.description,
          isManaged: 'false',
          properties: JSON.stringify(plan.configuration),
        },
        isBlindAppend: true,
      },
      opts,
    );
    return outcome.snapshot;
  } catch (err) {
    if (err instanceof TableCreatedConcurrentlyError && opts.ifNotExists) {
      const now = await existing();
      if (now) return now;
      throw new TableNotFoundError(engine.store.root, 'version 0 exists but could not be read');
    }
    throw err;
  }
}
