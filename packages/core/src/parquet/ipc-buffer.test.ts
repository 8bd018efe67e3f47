import { Buffer } from 'node:buffer';
import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { IpcBuffer } from './ipc-buffer.js';

function table(rows: number, seed: number): arrow.Table {
  const ids = BigInt64Array.from({ length: rows }, (_, i) => BigInt(seed * 1_000_000 + i));
  const names = Array.from({ length: rows }, (_, i) => (i % 7 === 0 ? null : `name-${seed}-${'x'.repeat(i % 50)}`));
  return new arrow.Table({ id: arrow.makeVector(ids), name: arrow.vectorFromArray(names, new arrow.Utf8()) });
}

describe('IpcBuffer', () => {
  test('gives the bytes of tableToIPC for a sequence of tables of growing and shrinking size', async () => {
    const ipc = new IpcBuffer();
    for (const [rows, seed] of [
      [10, 1],
      [50_000, 2],
      [3, 3],
      [120_000, 4],
      [0, 5],
    ] as const) {
      const t = table(rows, seed);
      const bytes = await ipc.encode(t);
      const expected = arrow.tableToIPC(t, 'stream');
      expect(bytes.length).toBe(expected.length);
      expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
      const back = arrow.tableFromIPC(bytes);
      expect(back.numRows).toBe(rows);
      if (rows > 0) expect(back.getChild('name')!.get(rows - 1)).toBe(t.getChild('name')!.get(rows - 1));
    }
  });
});
