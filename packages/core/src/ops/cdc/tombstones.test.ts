import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../engine/engine.js';
import { CDC_OP_COLUMN } from '../../formats/cdc/index.js';
import { SnapshotScan } from '../../read/scan.js';
import { loadSnapshot } from '../../snapshot/load.js';
import { MemoryStore } from '../../storage/memory-store.js';
import { COMPACT_AFTER_FILES, recordTombstones, tombstoneBatch, tombstoneEngine } from './tombstones.js';

const DAY = 86_400_000;
const cols = { keys: ['id'], sequence: 'seq' };
const deletes = (ids: number[], seq: number) =>
  new arrow.RecordBatch({
    id: arrow.vectorFromArray(ids, new arrow.Int32()).data[0]!,
    seq: arrow.vectorFromArray(
      ids.map(() => BigInt(seq)),
      new arrow.Int64(),
    ).data[0]!,
    [CDC_OP_COLUMN]: arrow.vectorFromArray(
      ids.map(() => 'D'),
      new arrow.Utf8(),
    ).data[0]!,
  });

describe('remembered deletes', () => {
  it('compaction drops deletes remembered longer than the retention, and a concurrent append lands beside it', async () => {
    let now = Date.UTC(2026, 0, 1);
    const engine = createEngine(new MemoryStore('memory://t'), { clock: { now: () => now } });
    const record = (ids: number[], seq: number) =>
      recordTombstones(engine, tombstoneBatch(deletes(ids, seq), cols, now)!, undefined, 2 * DAY, 'interval 2 days');
    for (let i = 0; i < COMPACT_AFTER_FILES - 1; i++) await record([i % 5], 10 + i); // keys 0-4, several times
    now += 3 * DAY;
    const side = tombstoneEngine(engine);
    // The 16th file makes its writer compact, while another writer appends key 8.
    await Promise.all([record([7], 1), record([8], 2)]);
    expect((await loadSnapshot(side)).files().length).toBeLessThanOrEqual(2);
    const rows: [number, bigint][] = [];
    for await (const b of new SnapshotScan(await loadSnapshot(side), { columns: ['id', 'seq'] }))
      for (let i = 0; i < b.numRows; i++)
        rows.push([b.getChild('id')!.get(i) as number, b.getChild('seq')!.get(i) as bigint]);
    expect(rows.sort((a, b) => a[0] - b[0])).toEqual([
      [7, 1n],
      [8, 2n],
    ]);
  });
});
