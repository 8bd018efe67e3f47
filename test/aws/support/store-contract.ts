/**
 * The ObjectStore contract, as one suite run against every implementation (S3Store on the test
 * services, LocalStore, MemoryStore), so they behave alike: what the engine sees must not
 * depend on where the table lives. Writes are checked through an independent view of the
 * storage (the MinIO client for S3, the file system for LocalStore) where there is one.
 */
import { createHash } from 'node:crypto';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { describe, expect, test } from 'vitest';
import { NotFoundError, PreconditionFailedError, type ObjectStore } from '@delta-serverless/core';
import { listAll } from '@delta-serverless/core/internal';

/** How a test sees what a store wrote without going through the store. */
export interface IndependentView {
  /** Store-relative keys under `prefix` (sorted). */
  keys(prefix: string): Promise<string[]>;
  bytes(path: string): Promise<Uint8Array>;
  /** Size and SHA-256 (hex) of an object, read as a stream. */
  digest(path: string): Promise<{ size: number; sha256: string }>;
}

export interface ContractTarget {
  /** A fresh, empty store for one test. */
  newStore(): Promise<ObjectStore>;
  /** An independent view of that store's storage; absent: the store is its own witness. */
  view?(store: ObjectStore): IndependentView;
  /** putStream must hold only a bounded window of the bytes (false: MemoryStore keeps all). */
  boundedStreaming: boolean;
  /** Large streams go up as multipart uploads of 8 MiB parts (S3: the ETag ends in `-<parts>`). */
  multipartParts?: boolean;
  /** Requests of one kind made by the store since the last reset (S3 request counter). */
  requests?(store: ObjectStore): { count(kind: string): number; reset(): void } | undefined;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function bytesOf(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = i & 0xff;
  return out;
}

function selfView(store: ObjectStore): IndependentView {
  return {
    keys: async (prefix) => (await listAll(store, prefix)).map((m) => m.path),
    bytes: (p) => store.get(p),
    digest: async (p) => {
      const b = await store.get(p);
      return { size: b.length, sha256: createHash('sha256').update(b).digest('hex') };
    },
  };
}

/** `n` MiB of pseudo-random bytes in 1 MiB chunks, generated lazily; `digest()` once consumed. */
function randomStream(mib: number, seed: number): { chunks: AsyncIterable<Uint8Array>; digest(): string } {
  const hash = createHash('sha256');
  let x = seed >>> 0 || 1;
  async function* gen(): AsyncIterable<Uint8Array> {
    for (let c = 0; c < mib; c++) {
      const words = new Uint32Array(256 * 1024);
      for (let i = 0; i < words.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        words[i] = x >>> 0;
      }
      const chunk = new Uint8Array(words.buffer);
      hash.update(chunk);
      yield chunk;
    }
  }
  return { chunks: gen(), digest: () => hash.digest('hex') };
}

/** The GC, exposed at run time (vitest workers are not started with --expose-gc). */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * Samples memory while something runs: peak RSS growth, and peak growth of the live set
 * (heap + array buffers right after a forced GC), which does not depend on GC timing.
 */
function memoryProbe(): { stop(): void; rssMib: number; liveMib: number } {
  const gc = exposeGc();
  const live = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  gc();
  const rss0 = process.memoryUsage().rss;
  const live0 = live();
  let rss = rss0;
  let peakLive = live0;
  const sample = (): void => {
    rss = Math.max(rss, process.memoryUsage().rss);
    gc();
    peakLive = Math.max(peakLive, live());
  };
  const timer = setInterval(sample, 50);
  return {
    stop() {
      clearInterval(timer);
      sample();
      this.rssMib = (rss - rss0) / 2 ** 20;
      this.liveMib = (peakLive - live0) / 2 ** 20;
    },
    rssMib: 0,
    liveMib: 0,
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Registers the contract suite for one implementation. */
export function objectStoreContract(name: string, target: ContractTarget): void {
  const view = (s: ObjectStore): IndependentView => target.view?.(s) ?? selfView(s);

  describe(`ObjectStore contract: ${name}`, () => {
    test('get: whole object, ranges, range past the end, empty range, empty object', async () => {
      const store = await target.newStore();
      const data = bytesOf(100);
      await store.put('r/data.bin', data);
      expect(await view(store).bytes('r/data.bin')).toEqual(data);

      expect(await store.get('r/data.bin')).toEqual(data);
      expect(await store.get('r/data.bin', { start: 10, end: 20 })).toEqual(data.slice(10, 20));
      expect(await store.get('r/data.bin', { start: 0, end: 1 })).toEqual(data.slice(0, 1));
      expect(await store.get('r/data.bin', { start: 99, end: 100 })).toEqual(data.slice(99));
      // Past the end: truncated to the object; starting at or beyond the end: empty.
      expect(await store.get('r/data.bin', { start: 90, end: 200 })).toEqual(data.slice(90));
      expect((await store.get('r/data.bin', { start: 100, end: 110 })).length).toBe(0);
      expect((await store.get('r/data.bin', { start: 150, end: 160 })).length).toBe(0);
      expect((await store.get('r/data.bin', { start: 5, end: 5 })).length).toBe(0);

      await store.put('r/empty.bin', new Uint8Array(0));
      expect((await store.get('r/empty.bin')).length).toBe(0);
      expect((await store.get('r/empty.bin', { start: 0, end: 10 })).length).toBe(0);
      expect((await store.head('r/empty.bin')).size).toBe(0);
    });

    test('head: size and lastModified; overwrite replaces content and size', async () => {
      const store = await target.newStore();
      const before = Date.now();
      await store.put('h/a.txt', enc.encode('hello'));
      const meta = await store.head('h/a.txt');
      expect(meta.path).toBe('h/a.txt');
      expect(meta.size).toBe(5);
      // S3 keeps whole seconds: allow the truncation, and a little clock skew.
      expect(meta.lastModified).toBeGreaterThanOrEqual(before - 2_000);
      expect(meta.lastModified).toBeLessThanOrEqual(Date.now() + 2_000);

      await store.put('h/a.txt', enc.encode('hello, world'));
      expect(dec.decode(await store.get('h/a.txt'))).toBe('hello, world');
      expect(dec.decode(await view(store).bytes('h/a.txt'))).toBe('hello, world');
      const after = await store.head('h/a.txt');
      expect(after.size).toBe(12);
      expect(after.lastModified).toBeGreaterThanOrEqual(meta.lastModified);
    });

    test('put ifNoneMatch: creates once, then PreconditionFailedError naming the path; content kept', async () => {
      const store = await target.newStore();
      await store.put('c/00.json', enc.encode('first'), { ifNoneMatch: true });
      const err = await rejection(store.put('c/00.json', enc.encode('second'), { ifNoneMatch: true }));
      expect(err).toBeInstanceOf(PreconditionFailedError);
      expect((err as PreconditionFailedError).path).toBe('c/00.json');
      const streamed = await rejection(
        store.putStream('c/00.json', (async function* () { yield enc.encode('third'); })(), { ifNoneMatch: true }), // prettier-ignore
      );
      expect(streamed).toBeInstanceOf(PreconditionFailedError);
      expect(dec.decode(await view(store).bytes('c/00.json'))).toBe('first');
    });

    test('put ifNoneMatch: of 12 concurrent creates of one key exactly one wins', async () => {
      const store = await target.newStore();
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          store.put('race/00000000000000000001.json', enc.encode(`writer ${i}`), { ifNoneMatch: true }),
        ),
      );
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(PreconditionFailedError);
      expect(dec.decode(await view(store).bytes('race/00000000000000000001.json'))).toBe(`writer ${won[0]}`);
    });

    test('putStream: a small stream of several chunks', async () => {
      const store = await target.newStore();
      const parts = ['alpha,', 'beta,', '', 'gamma'];
      await store.putStream('s/small.csv', (async function* () { for (const p of parts) yield enc.encode(p); })()); // prettier-ignore
      expect(dec.decode(await view(store).bytes('s/small.csv'))).toBe('alpha,beta,gamma');
      expect((await store.head('s/small.csv')).size).toBe(16);
    });

    test('putStream: 96 MiB (multipart on S3) arrives intact, in bounded memory', { timeout: 60_000 }, async () => {
      const store = await target.newStore();
      const mib = 96;
      const src = randomStream(mib, 0x5eed);
      const mem = memoryProbe();
      try {
        await store.putStream('big/blob.bin', src.chunks);
      } finally {
        mem.stop();
      }
      console.log(
        `[store-contract] ${name}: putStream ${mib} MiB: RSS +${mem.rssMib.toFixed(0)} MiB, ` +
          `live (after GC) +${mem.liveMib.toFixed(0)} MiB`,
      );
      const d = await view(store).digest('big/blob.bin');
      expect(d.size).toBe(mib * 2 ** 20);
      expect(d.sha256).toBe(src.digest());
      const meta = await store.head('big/blob.bin');
      expect(meta.size).toBe(mib * 2 ** 20);
      if (target.multipartParts) expect(meta.etag).toMatch(new RegExp(`-${mib / 8}"?$`));
      if (target.boundedStreaming) {
        // Holding the payload would cost >= 96 MiB live. S3Store's multipart upload keeps
        // about (parts in flight + 2) x 8 MiB parts; RSS also holds not-yet-collected garbage.
        expect(mem.liveMib).toBeLessThan(72);
        expect(mem.rssMib).toBeLessThan(mib);
      }
    });

    test('list: prefix, order, startAfter, recursive=false', async () => {
      const store = await target.newStore();
      const keys = ['list/a.txt', 'list/b/c.txt', 'list/b/d.txt', 'list/b-e.txt', 'list/z.txt', 'listing.txt'];
      await Promise.all(keys.map((k, i) => store.put(k, bytesOf(i + 1))));
      const paths = async (prefix: string, opts?: Parameters<ObjectStore['list']>[1]) =>
        (await listAll(store, prefix, opts)).map((m) => m.path);

      // '-' (0x2d) sorts before '/' (0x2f): key order, not directory-walk order.
      expect(await paths('list/')).toEqual([
        'list/a.txt',
        'list/b-e.txt',
        'list/b/c.txt',
        'list/b/d.txt',
        'list/z.txt',
      ]);
      expect(await paths('list')).toEqual([
        'list/a.txt',
        'list/b-e.txt',
        'list/b/c.txt',
        'list/b/d.txt',
        'list/z.txt',
        'listing.txt',
      ]);
      expect(await paths('list/b')).toEqual(['list/b-e.txt', 'list/b/c.txt', 'list/b/d.txt']);
      expect(await paths('list/', { recursive: false })).toEqual(['list/a.txt', 'list/b-e.txt', 'list/z.txt']);
      expect(await paths('list/b', { recursive: false })).toEqual(['list/b-e.txt']);
      expect(await paths('list/b/', { recursive: false })).toEqual(['list/b/c.txt', 'list/b/d.txt']);
      expect(await paths('list/', { startAfter: 'list/b-e.txt' })).toEqual([
        'list/b/c.txt',
        'list/b/d.txt',
        'list/z.txt',
      ]);
      // startAfter need not be a key.
      expect(await paths('list/', { startAfter: 'list/b/c' })).toEqual(['list/b/c.txt', 'list/b/d.txt', 'list/z.txt']);
      expect(await paths('list/', { startAfter: 'list/a.txt', recursive: false })).toEqual([
        'list/b-e.txt',
        'list/z.txt',
      ]);
      expect(await paths('list/', { startAfter: 'list/zz' })).toEqual([]);
      expect(await paths('nothing/')).toEqual([]);

      const metas = await listAll(store, 'list/');
      expect(metas.map((m) => m.size)).toEqual([1, 4, 2, 3, 5]);
      for (const m of metas) expect(m.lastModified).toBeGreaterThan(Date.now() - 120_000);
    });

    test(
      'list beyond 1000 keys (2,500: pages on S3), with startAfter; deleteMany of 2,100',
      { timeout: 60_000 },
      async () => {
        const store = await target.newStore();
        const n = 2_500;
        const keys = Array.from({ length: n }, (_, i) => `many/k${String(i).padStart(5, '0')}`);
        const payload = enc.encode('x');
        for (let i = 0; i < n; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => store.put(k, payload)));

        const counter = target.requests?.(store);
        counter?.reset();
        expect((await listAll(store, 'many/')).map((m) => m.path)).toEqual(keys);
        if (counter) expect(counter.count('s3:ListObjectsV2')).toBe(3);
        expect((await listAll(store, 'many/', { startAfter: 'many/k00999' })).map((m) => m.path)).toEqual(
          keys.slice(1000),
        );
        expect(await view(store).keys('many/')).toEqual(keys);

        // More than one DeleteObjects batch, plus keys that do not exist (ignored).
        counter?.reset();
        await store.deleteMany([...keys.slice(0, 2_100), 'many/missing-1', 'many/missing-2']);
        if (counter) expect(counter.count('s3:DeleteObjects')).toBe(3);
        expect(await view(store).keys('many/')).toEqual(keys.slice(2_100));
        expect((await listAll(store, 'many/')).map((m) => m.path)).toEqual(keys.slice(2_100));
      },
    );

    test('NotFoundError (naming the path) for get, ranged get, empty range and head of a missing key', async () => {
      const store = await target.newStore();
      await store.put('present.txt', enc.encode('here'));
      for (const call of [
        () => store.get('nf/missing.json'),
        () => store.get('nf/missing.json', { start: 0, end: 10 }),
        () => store.get('nf/missing.json', { start: 0, end: 0 }),
        () => store.head('nf/missing.json'),
      ]) {
        const err = await rejection(call());
        expect(err).toBeInstanceOf(NotFoundError);
        expect((err as NotFoundError).path).toBe('nf/missing.json');
      }
      await store.deleteMany(['nf/missing.json']); // missing keys are ignored
      await store.deleteMany([]);
      expect(dec.decode(await store.get('present.txt'))).toBe('here');
    });

    test('keys with spaces, unicode, =, % and + are stored verbatim', async () => {
      const store = await target.newStore();
      const keys = [
        'enc/a b/c d.txt',
        'enc/date=2024-01-01/hour=12%3A00/part 1.parquet',
        'enc/literal%20percent%2Fslash.bin',
        'enc/plus+sign/x+y=z.json',
        'enc/ümlaut/日本語/😀.txt',
      ];
      await Promise.all(keys.map((k) => store.put(k, enc.encode(k))));
      expect(await view(store).keys('enc/')).toEqual([...keys].sort());
      expect((await listAll(store, 'enc/')).map((m) => m.path)).toEqual([...keys].sort());
      for (const k of keys) {
        expect(dec.decode(await store.get(k))).toBe(k);
        expect(dec.decode(await view(store).bytes(k))).toBe(k);
        expect((await store.head(k)).size).toBe(enc.encode(k).length);
      }
      // Neither the decoded nor the encoded twin of a key exists.
      await expect(store.head('enc/literal percent/slash.bin')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.head('enc/a%20b/c%20d.txt')).rejects.toBeInstanceOf(NotFoundError);
      expect((await listAll(store, 'enc/date=2024-01-01/hour=12%3A00/')).map((m) => m.path)).toEqual([keys[1]]);
      await store.deleteMany(keys);
      expect(await view(store).keys('enc/')).toEqual([]);
    });
  });
}
