/** CREATE TABLE: plan (pure) -> commit. It writes no data, so there is no execute step. */
import type { Engine } from '../../engine/engine.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { commitCreate } from './commit.js';
import { planCreate } from './plan.js';
import type { CreateTableOptions } from './types.js';

export { planCreate, commitCreate };
export type { CreatePlan } from './plan.js';
export type { CreateTableOptions } from './types.js';

/** Create the table (version 0, no data); `existing` reads what is there (an existing table, a concurrent creator's). */
export async function createTable(
  engine: Engine,
  existing: () => Promise<Snapshot | undefined>,
  opts: CreateTableOptions,
): Promise<Snapshot> {
  return commitCreate(engine, planCreate(opts, engine.ids), existing, opts);
}
