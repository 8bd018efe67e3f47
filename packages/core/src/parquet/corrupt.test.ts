/**
 * Damaged Parquet through the reader: a decoder trap (parquet-wasm panics on some damaged
 * pages) is a CorruptDataFileError naming the file, the promise settles, and the decoder, the
 * encoder and concurrent reads of intact files carry on.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { CorruptDataFileError } from '../errors.js';
import { MemoryStore } from '../storage/memory-store.js';
import { StoreFile } from './blob.js';
import { fetchFooter } from './footer.js';
import { readObjectRows } from './object-rows.js';
import { openParquetFile } from './reader.js';
import {
  flipBit,
  isTrap,
  pageArea,
  prng,
  readAll,
  sampleParquet,
  trappingFlip,
} from '../../test/support/parquet-damage.js';
import { parquetWasm } from './wasm.js';
import { createParquetWriter, writeParquet } from './writer.js';

const ROWS = 5_000;

describe('damaged Parquet pages', () => {
  it('a decoder trap rejects with CorruptDataFileError naming the file; the next read works', async () => {
    const good = await sampleParquet(ROWS);
    const bad = await trappingFlip(good);
    const err = await readAll(bad, 'landing/bad.parquet').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptDataFileError);
    expect((err as CorruptDataFileError).path).toBe('landing/bad.parquet');
    expect((err as Error).message).toMatch(/landing\/bad\.parquet: the decoder trapped on it \(unreachable\)/);
    expect(await readAll(good)).toBe(ROWS);
    expect((await parquetWasm('decode')).trap).toBeUndefined(); // the trapped instance was replaced
  });

  it('reads sharing the instance with the trapping one finish (each retries alone), and so does a writer', async () => {
    const good = await sampleParquet(ROWS);
    const bad = await trappingFlip(good, 2);
    // Several good files open and mid-read on the shared instance when the bad one traps.
    const store = new MemoryStore();
    await store.put('bad.parquet', bad);
    for (let i = 0; i < 4; i++) await store.put(`good-${i}.parquet`, good);
    const writer = await createParquetWriter(new arrow.Schema([new arrow.Field('x', new arrow.Int32(), true)]), {});
    const drained = (async () => {
      let n = 0;
      for await (const c of writer.bytes) n += c.length;
      return n;
    })();
    await writer.write(arrow.tableFromArrays({ x: Int32Array.from([1, 2, 3]) }).batches[0]!);
    const read = async (path: string) => {
      const r = await openParquetFile(store, path);
      let rows = 0;
      try {
        for await (const b of r.readBatches({ batchSize: 500 })) {
          rows += b.numRows;
          await new Promise((res) => setImmediate(res)); // interleave with the others
        }
      } finally {
        r.close();
      }
      return rows;
    };
    const results = await Promise.allSettled(
      ['good-0', 'good-1', 'bad', 'good-2', 'good-3'].map((f) => read(`${f}.parquet`)),
    );
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))).toEqual([
      ROWS,
      ROWS,
      'failed',
      ROWS,
      ROWS,
    ]);
    const failure = (results[2] as PromiseRejectedResult).reason as CorruptDataFileError;
    expect(failure).toBeInstanceOf(CorruptDataFileError);
    expect(failure.path).toBe('bad.parquet');
    await writer.write(arrow.tableFromArrays({ x: Int32Array.from([4]) }).batches[0]!);
    expect((await writer.close()).numRows).toBe(4);
    expect(await drained).toBeGreaterThan(0);
  });

  it('a run of overwritten bytes in the page area is refused with a typed error, never a crash', async () => {
    const good = await sampleParquet(ROWS);
    const { start, end } = await pageArea(good);
    const random = prng(7);
    for (let i = 0; i < 20; i++) {
      const bad = good.slice();
      const at = start + Math.floor(random() * (end - start - 64));
      for (let j = 0; j < 64; j++) bad[at + j] = Math.floor(random() * 256);
      const outcome = await readAll(bad).then(
        () => 'read',
        (e: unknown) => (e instanceof CorruptDataFileError ? 'corrupt' : e),
      );
      expect(['read', 'corrupt']).toContain(outcome);
    }
    expect(await readAll(good)).toBe(ROWS);
  });

  it('the pure-JS decoder (small checkpoints) reports damage as CorruptDataFileError too', async () => {
    const good = await writeParquet(
      arrow.tableFromArrays({ s: ['a', 'b', 'c', 'd'], n: Float64Array.from([1, 2, 3, 4]) }),
    );
    const { start, end } = await pageArea(good);
    let typed = 0;
    for (let bit = start * 8; bit < end * 8; bit += 7) {
      const store = new MemoryStore();
      const bytes = flipBit(good, bit);
      await store.put('cp.parquet', bytes);
      const file = new StoreFile(store, 'cp.parquet', bytes.length);
      const footer = await fetchFooter(file, bytes.length);
      await readObjectRows(file, footer.bytes, ['s', 'n']).then(
        () => undefined,
        (e: unknown) => {
          expect(e).toBeInstanceOf(CorruptDataFileError);
          expect((e as CorruptDataFileError).path).toBe('cp.parquet');
          typed++;
        },
      );
    }
    expect(typed).toBeGreaterThan(0);
  });

  it('isTrap tells a trap from a reported decode error', () => {
    expect(isTrap(new CorruptDataFileError('a', 'a: the decoder trapped on it (unreachable)'))).toBe(true);
    expect(isTrap(new CorruptDataFileError('a', 'a: cannot read Parquet data: bad page'))).toBe(false);
  });

  it('a read a decoder starts and then drops never becomes an unhandled rejection', async () => {
    const store = new MemoryStore();
    await store.put('t.parquet', new Uint8Array(10)); // shorter than the size below: reads fail
    const file = new StoreFile(store, 't.parquet', 100);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      void file.asyncBuffer().slice(0, 50); // started, never awaited (hyparquet's prefetch)
      void file.blob().slice(0, 50).arrayBuffer();
      await expect(file.asyncBuffer().slice(Number.NaN, 4)).rejects.toThrow(/bytes \[NaN, 4\).*metadata is damaged/);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
