import { describe, expect, it } from 'vitest';
import { commitTransaction } from '../../transaction/index.js';
import { MemoryStore } from '../../storage/memory-store.js';
import { DeltaTable } from '../../table/delta-table.js';
import { commitInfoAt, rows } from '../../../test/support/vacuum-tables.js';
import { commitVacuumEnd } from './vacuum-commits.js';
import { createEngine } from '../../engine/engine.js';

describe('VACUUM commits', () => {
  it('never conflict: a commitInfo-only commit lands after a concurrent metadata and protocol change', async () => {
    const store = new MemoryStore('memory://commits');
    const table = await DeltaTable.create(store, { schema: rows([1]).schema });
    const stale = table.snapshot;
    const md = { ...stale.metadata, configuration: { 'delta.appendOnly': 'true' } };
    await commitTransaction(createEngine(store), stale, {
      actions: [{ metaData: md }, { protocol: { minReaderVersion: 1, minWriterVersion: 2 } }],
      operation: 'SET TBLPROPERTIES',
      isBlindAppend: false,
    });
    const out = await commitVacuumEnd(stale, 'COMPLETED', { numDeletedFiles: 0, numVacuumedDirectories: 1 }, {});
    expect(out.version).toBe(2);
    expect(out.conflictsRetried).toBe(1);
    const info = await commitInfoAt(store, 2);
    expect(info).toMatchObject({
      operation: 'VACUUM END',
      readVersion: 0,
      operationParameters: { status: 'COMPLETED' },
    });
  });
});
