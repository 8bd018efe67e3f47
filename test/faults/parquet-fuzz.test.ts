/**
 * Fuzz: 1,000 seeded single-bit flips across a table's data file and its checkpoints (a small
 * one, decoded in JS, and one of 2,100 actions, decoded by parquet-wasm). Every read returns
 * or rejects with a typed DeltaError within a time bound (a trap used to hang or kill the
 * process), and the process reads and writes normally afterwards. Each read is the decode
 * alone (the data file through the Parquet reader, a checkpoint through the checkpoint
 * reader), to keep 1,000 of them cheap; test/faults/corrupt-files.test.ts covers the
 * operations on top.
 */
import * as arrow from 'apache-arrow';
import { expect, it } from 'vitest';
import {
  DeltaError,
  DeltaTable,
  MemoryStore,
  writeDeltaTable,
  type Action,
  type ObjectStore,
} from '@delta-serverless/core';
import { createEngine, serializeActions } from '@delta-serverless/core/internal';
import { readCheckpoint } from '../../packages/core/src/log/checkpoint-read.js';
import { parseLogFile } from '../../packages/core/src/log/file-names.js';
import type { CheckpointFile } from '../../packages/core/src/log/segment.js';
import { openParquetFile } from '../../packages/core/src/parquet/reader.js';
import { flipBit, prng } from '../../packages/core/test/support/parquet-damage.js';
import { assertValidStoreTable } from '../support/validate-store.js';

const FLIPS = 1_000;
const ROWS = 1_000;
const BOUND_MS = 10_000;

function rows(n: number, offset = 0): arrow.Table {
  return arrow.tableFromArrays({
    id: BigInt64Array.from({ length: n }, (_, i) => BigInt(offset + i)),
    name: Array.from({ length: n }, (_, i) => `name${(i * 7919) % 97}`),
    amount: Float64Array.from({ length: n }, (_, i) => i * 1.5),
  });
}

/** Table A: two appends and a (small, JS-decoded) checkpoint. Table B: a checkpoint of 2,100 adds (wasm-decoded). */
async function tables(): Promise<{ a: MemoryStore; b: MemoryStore; dataFile: string }> {
  const a = new MemoryStore();
  await writeDeltaTable(a, rows(ROWS));
  await writeDeltaTable(a, rows(ROWS, ROWS));
  await (await DeltaTable.open(a)).checkpoint();
  const dataFile = (await DeltaTable.open(a, { version: 0 })).snapshot.files()[0]!.path;

  const b = new MemoryStore();
  await writeDeltaTable(b, rows(1));
  const adds: Action[] = Array.from({ length: 2_100 }, (_, i) => ({
    add: {
      path: `part-${String(i).padStart(5, '0')}.parquet`,
      partitionValues: {},
      size: 1000 + i,
      modificationTime: 1_700_000_000_000 + i,
      dataChange: true,
      stats: JSON.stringify({ numRecords: i, minValues: { id: i }, maxValues: { id: i + 1 }, nullCount: { id: 0 } }),
    },
  }));
  await b.put('_delta_log/00000000000000000001.json', serializeActions(adds));
  await (await DeltaTable.open(b)).checkpoint();
  return { a, b, dataFile };
}

async function readFile(store: ObjectStore, path: string): Promise<number> {
  const reader = await openParquetFile(store, path);
  let n = 0;
  try {
    for await (const batch of reader.readBatches()) n += batch.numRows;
  } finally {
    reader.close();
  }
  return n;
}

async function bounded<T>(p: Promise<T>): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), BOUND_MS)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

it(`${FLIPS} seeded bit flips in data files and checkpoints: every read returns or throws a typed error in time`, async () => {
  const { a, b, dataFile } = await tables();
  const checkpoint = '_delta_log/00000000000000000001.checkpoint.parquet';
  const cp = async (store: ObjectStore) => {
    const file = parseLogFile({ path: checkpoint, size: (await store.head(checkpoint)).size, lastModified: 0 });
    return readCheckpoint(createEngine(store), { version: 1, files: [file as CheckpointFile] });
  };
  const targets: { store: ObjectStore; path: string; read: () => Promise<unknown> }[] = [
    { store: a, path: dataFile, read: () => readFile(a, dataFile) },
    { store: a, path: checkpoint, read: () => cp(a) },
    { store: b, path: checkpoint, read: () => cp(b) },
  ];
  const pristine = await Promise.all(targets.map((t) => t.store.get(t.path)));
  const random = prng(20_240_601);
  const outcomes = new Map<string, number>();
  const untyped: string[] = [];
  for (let i = 0; i < FLIPS; i++) {
    const k = i % targets.length;
    const t = targets[k]!;
    const bytes = pristine[k]!;
    await t.store.put(t.path, flipBit(bytes, Math.floor(random() * bytes.length * 8)));
    const outcome = await bounded(t.read()).then(
      (r) => (r === 'timeout' ? 'timeout' : 'read'),
      (err: unknown) => (err instanceof DeltaError ? err.name : `untyped ${String(err)}`),
    );
    if (outcome === 'timeout' || outcome.startsWith('untyped')) untyped.push(`flip ${i} of ${t.path}: ${outcome}`);
    outcomes.set(`${k}:${outcome}`, (outcomes.get(`${k}:${outcome}`) ?? 0) + 1);
    await t.store.put(t.path, bytes);
  }
  console.log('fuzz outcomes (target:outcome count):', Object.fromEntries([...outcomes].sort()));
  expect(untyped).toEqual([]);
  expect(outcomes.get('0:CorruptDataFileError') ?? 0).toBeGreaterThan(0); // the decoder's traps were hit
  // The process is still usable: the intact tables read, and a new table writes and reads.
  expect((await (await DeltaTable.open(a)).toArrow()).numRows).toBe(2 * ROWS);
  expect((await DeltaTable.open(b)).snapshot.files()).toHaveLength(2_101);
  const c = new MemoryStore();
  await writeDeltaTable(c, rows(10));
  expect((await (await DeltaTable.open(c)).toArrow()).numRows).toBe(10);
  // Every table is valid once its pristine bytes are back (B's hand-written adds name no real
  // files, so its files are not checked).
  await assertValidStoreTable(a, { failOnWarnings: true });
  await assertValidStoreTable(b, { failOnWarnings: true, checkFiles: false });
  await assertValidStoreTable(c, { failOnWarnings: true });
}, 120_000);
