import * as arrow from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { MemoryStore } from '../storage/memory-store.js';
import { DeltaTable, writeDeltaTable } from '../table/delta-table.js';
import { versionChecksumPath } from './version-checksum.js';
import { parseVersionChecksum, readVersionChecksum } from './version-checksum-read.js';

const rows = (n: number) => new arrow.Table({ id: arrow.makeVector(Int32Array.from({ length: n }, (_, i) => i)) });
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('reading version checksums', () => {
  test('the checksum written after a commit reads back with the snapshot protocol and metadata', async () => {
    const store = new MemoryStore(`memory://crc-read-${Math.random()}`);
    await writeDeltaTable(store, rows(3));
    await writeDeltaTable(store, rows(2), { mode: 'append' });
    const snap = (await DeltaTable.open(store)).snapshot;
    const crc = await readVersionChecksum(store, 1);
    expect(crc).toBeDefined();
    expect(crc!.protocol).toEqual(snap.protocol);
    expect(crc!.metadata).toEqual(snap.metadata);
    expect(crc!.numFiles).toBe(2);
    expect(crc!.tableSizeBytes).toBe(snap.sizeInBytes);
    expect(await readVersionChecksum(store, 7)).toBeUndefined(); // absent
  });

  test('corrupt or inconsistent checksums are treated as absent', async () => {
    const store = new MemoryStore(`memory://crc-bad-${Math.random()}`);
    await writeDeltaTable(store, rows(1));
    const good = JSON.parse(new TextDecoder().decode(await store.get(versionChecksumPath(0)))) as Record<
      string,
      unknown
    >;
    expect(parseVersionChecksum(enc(good))).toBeDefined();
    const bad: unknown[] = [
      '{"tableSizeBytes": 1, ', // truncated
      '[]',
      { ...good, numProtocol: 2 },
      { ...good, numMetadata: 0 },
      { ...good, numFiles: -1 },
      { ...good, tableSizeBytes: '12' },
      { ...good, protocol: { minReaderVersion: 0, minWriterVersion: 2 } },
      { ...good, metadata: { id: 'x' } },
      { ...good, setTransactions: {} },
    ];
    for (const b of bad) expect(parseVersionChecksum(enc(b)), JSON.stringify(b)).toBeUndefined();
    await store.put(versionChecksumPath(0), enc('not json'));
    expect(await readVersionChecksum(store, 0)).toBeUndefined();
  });
});
