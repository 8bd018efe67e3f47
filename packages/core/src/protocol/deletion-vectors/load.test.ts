import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { CorruptDataError, UnsupportedFeatureError } from '../../errors.js';
import { LocalStore } from '../../storage/local-store.js';
import { MemoryStore } from '../../storage/memory-store.js';
import type { ByteRange } from '../../storage/object-store.js';
import type { AddFile, DeletionVectorDescriptor, RemoveFile } from '../actions.js';
import { DeletedRows } from './deleted-rows.js';
import {
  deletionVectorRelativePath,
  fileDeletionVectorDescriptor,
  inlineDeletionVectorDescriptor,
  uniqueDvId,
} from './descriptor.js';
import { encodeDeletionVectorFile } from './dv-file.js';
import { type DvFileLocation, type DvRangeReader, loadDeletionVector, storeDvReader } from './load.js';
import { serializeRoaringBitmapArray } from './roaring.js';
import { CORPUS } from '../../../../../test/support/corpus.js';

// ---- corpus helpers: read tables without the engine's log code ----

interface LoggedDv {
  version: number;
  kind: 'add' | 'remove';
  path: string;
  dv: DeletionVectorDescriptor;
}

interface LogLine {
  add?: AddFile;
  remove?: RemoveFile;
}

/** Commits (JSON only) in version order, up to `upTo`. */
function commits(table: string, upTo = Infinity): { version: number; actions: LogLine[] }[] {
  const dir = nodePath.join(table, '_delta_log');
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{20}\.json$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 20)),
      actions: fs
        .readFileSync(nodePath.join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as LogLine),
    }))
    .filter((c) => c.version <= upTo);
}

/** Every DV descriptor named by an add or remove in the JSON commits. */
function loggedDvs(table: string): LoggedDv[] {
  const out: LoggedDv[] = [];
  for (const { version, actions } of commits(table)) {
    for (const a of actions) {
      if (a.add?.deletionVector) out.push({ version, kind: 'add', path: a.add.path, dv: a.add.deletionVector });
      if (a.remove?.deletionVector)
        out.push({ version, kind: 'remove', path: a.remove.path, dv: a.remove.deletionVector });
    }
  }
  return out;
}

/**
 * Active add actions at `version`, replaying every JSON commit (tables whose log is complete).
 * Files are keyed by path and DV id, as in log reconciliation: a commit that adds a DV to a
 * file removes the file without the DV and adds it with the DV.
 */
function activeAdds(table: string, version = Infinity): AddFile[] {
  const key = (path: string, dv: DeletionVectorDescriptor | null | undefined): string =>
    `${path}\u0000${dv ? uniqueDvId(dv) : ''}`;
  const live = new Map<string, AddFile>();
  for (const { actions } of commits(table, version)) {
    for (const a of actions) if (a.remove) live.delete(key(a.remove.path, a.remove.deletionVector));
    for (const a of actions) if (a.add) live.set(key(a.add.path, a.add.deletionVector), a.add);
  }
  return [...live.values()];
}

/** One column of a data file, in row order. */
async function readColumn(table: string, path: string, column: string): Promise<unknown[]> {
  const buf = fs.readFileSync(nodePath.join(table, decodeURIComponent(path)));
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const rows = (await parquetReadObjects({ file, columns: [column] })) as Record<string, unknown>[];
  return rows.map((r) => r[column]);
}

/** Expected rows of a table at its main version or `vN`. */
function expectedRows(source: string, name: string, version?: string): unknown[][] {
  const e = JSON.parse(fs.readFileSync(nodePath.join(CORPUS, source, `${name}.expected.json`), 'utf8')) as {
    rows: unknown[][];
    otherVersions?: Record<string, { rows: unknown[][] }>;
  };
  return version ? e.otherVersions![version].rows : e.rows;
}

/** storeDvReader that also records what it was asked for. */
function recording(read: DvRangeReader): {
  read: DvRangeReader;
  calls: { location: DvFileLocation; range: ByteRange }[];
} {
  const calls: { location: DvFileLocation; range: ByteRange }[] = [];
  return {
    calls,
    read: (location, range) => {
      calls.push({ location, range });
      return read(location, range);
    },
  };
}

/** Values of a file's column that survive its DV, applying keep-masks batch by batch. */
function survivors(values: unknown[], deleted: DeletedRows, batch: number): unknown[] {
  const out: unknown[] = [];
  for (let start = 0; start < values.length; start += batch) {
    const len = Math.min(batch, values.length - start);
    const mask = deleted.keepMask(start, len);
    for (let i = 0; i < len; i++) if (!mask || mask[i]) out.push(values[start + i]);
  }
  return out;
}

const sortByJson = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

const SMALL = nodePath.join(CORPUS, 'delta-kernel-rs/table-with-dv-small');
const LARGE = nodePath.join(CORPUS, 'delta-spark/table-with-dv-large');
const PARTITIONED = nodePath.join(CORPUS, 'delta-golden/dv-partitioned-with-checkpoint');
const CDF = nodePath.join(CORPUS, 'delta-kernel-rs/cdf-table-with-dv');
const SMALL_DV_FILE = 'deletion_vector_61d16c75-6994-46b7-a15b-8b538852e50e.bin';

describe('loadDeletionVector on table-with-dv-small (storage type u)', () => {
  const [entry] = loggedDvs(SMALL);

  it('names the DV file and fetches only its byte range', async () => {
    expect(entry.dv).toEqual({
      storageType: 'u',
      pathOrInlineDv: 'vBn[lx{q8@P<9BNH/isA',
      offset: 1,
      sizeInBytes: 36,
      cardinality: 2,
    });
    expect(deletionVectorRelativePath(entry.dv)).toBe(SMALL_DV_FILE);
    expect(uniqueDvId(entry.dv)).toBe('uvBn[lx{q8@P<9BNH/isA@1');
    const rec = recording(storeDvReader(new LocalStore(SMALL)));
    const deleted = await loadDeletionVector(entry.dv, rec.read, { dataFile: entry.path });
    expect(rec.calls).toEqual([{ location: { relative: SMALL_DV_FILE }, range: { start: 1, end: 45 } }]);
    expect(deleted.cardinality).toBe(entry.dv.cardinality);
    expect(Array.from(deleted.rows)).toEqual([0, 9]);
  });

  it('deletes exactly the rows whose values vanish between v0 and v1', async () => {
    const deleted = await loadDeletionVector(entry.dv, storeDvReader(new LocalStore(SMALL)));
    const values = await readColumn(SMALL, entry.path, 'value');
    const v0 = expectedRows('delta-kernel-rs', 'table-with-dv-small', 'v0').map((r) => r[0]);
    const v1 = expectedRows('delta-kernel-rs', 'table-with-dv-small').map((r) => r[0]);
    expect(values.slice().sort()).toEqual(v0.slice().sort());
    const gone = v0.filter((v) => !v1.includes(v));
    expect(Array.from(deleted.rows, (i) => values[i]).sort()).toEqual(gone.sort());
    expect(survivors(values, deleted, 3).sort()).toEqual(v1.slice().sort());
  });

  it('re-encodes the DV file byte-for-byte as Spark wrote it', () => {
    const file = fs.readFileSync(nodePath.join(SMALL, SMALL_DV_FILE));
    const encoded = encodeDeletionVectorFile([serializeRoaringBitmapArray([0, 9])]);
    expect(encoded.offsets).toEqual([1]);
    expect(Buffer.from(encoded.bytes).equals(file)).toBe(true);
  });
});

describe('loadDeletionVector on table-with-dv-large (several DVs per file)', () => {
  // Spark's test suite wrote these files with a test-only name prefix the log does not record
  // (other readers rename the files); map the protocol name to the file on disk.
  const store = new LocalStore(LARGE);
  const base = storeDvReader(store);
  const read: DvRangeReader = (loc, range) =>
    base('relative' in loc ? { relative: `test%dv%prefix-${loc.relative}` } : loc, range);

  it('decodes every DV in the log with matching cardinality and CRC', async () => {
    const entries = loggedDvs(LARGE);
    expect(entries.length).toBe(14);
    for (const e of entries) {
      const rec = recording(read);
      const deleted = await loadDeletionVector(e.dv, rec.read, { dataFile: e.path });
      expect(deleted.cardinality).toBe(e.dv.cardinality);
      expect(rec.calls[0].range).toEqual({ start: e.dv.offset, end: e.dv.offset! + 8 + e.dv.sizeInBytes });
    }
  });

  it('re-encodes a multi-DV file byte-for-byte', async () => {
    const seen = new Map<string, DeletionVectorDescriptor>();
    for (const e of loggedDvs(LARGE))
      if (e.dv.pathOrInlineDv === 'm9JzgVlI!?Oy<+3x+y^b') seen.set(uniqueDvId(e.dv), e.dv);
    const dvs = [...seen.values()].sort((a, b) => a.offset! - b.offset!);
    expect(dvs.length).toBe(5);
    const bitmaps = await Promise.all(
      dvs.map(async (d) => serializeRoaringBitmapArray((await loadDeletionVector(d, read)).rows)),
    );
    const encoded = encodeDeletionVectorFile(bitmaps);
    expect(encoded.offsets).toEqual(dvs.map((d) => d.offset));
    const file = fs.readFileSync(nodePath.join(LARGE, `test%dv%prefix-${deletionVectorRelativePath(dvs[0])!}`));
    expect(Buffer.from(encoded.bytes).equals(file)).toBe(true);
  });

  it('yields the expected rows at the latest version', async () => {
    const values: unknown[] = [];
    for (const add of activeAdds(LARGE)) {
      const col = await readColumn(LARGE, add.path, 'value');
      const deleted = add.deletionVector ? await loadDeletionVector(add.deletionVector, read) : DeletedRows.EMPTY;
      values.push(...survivors(col, deleted, 17));
    }
    expect(sortByJson(values.map((v) => [v]))).toEqual(sortByJson(expectedRows('delta-spark', 'table-with-dv-large')));
  });
});

describe('loadDeletionVector on dv-partitioned-with-checkpoint', () => {
  it('yields the expected rows at the latest version', async () => {
    const read = storeDvReader(new LocalStore(PARTITIONED));
    const rows: unknown[][] = [];
    let withDv = 0;
    for (const add of activeAdds(PARTITIONED)) {
      const col1 = await readColumn(PARTITIONED, add.path, 'col1');
      const col2 = await readColumn(PARTITIONED, add.path, 'col2');
      let deleted = DeletedRows.EMPTY;
      if (add.deletionVector) {
        withDv++;
        deleted = await loadDeletionVector(add.deletionVector, read, { dataFile: add.path });
        expect(deleted.cardinality).toBe(add.deletionVector.cardinality);
      }
      const part = Number(add.partitionValues.part);
      const kept = survivors(
        col1.map((_, i) => i),
        deleted,
        4,
      ) as number[];
      for (const i of kept) rows.push([part, col1[i], col2[i]]);
    }
    expect(withDv).toBe(2);
    expect(sortByJson(rows)).toEqual(sortByJson(expectedRows('delta-golden', 'dv-partitioned-with-checkpoint')));
  });

  it('decodes every DV the log ever named', async () => {
    const read = storeDvReader(new LocalStore(PARTITIONED));
    const entries = loggedDvs(PARTITIONED);
    expect(entries.length).toBe(18);
    for (const e of entries) expect((await loadDeletionVector(e.dv, read)).cardinality).toBe(e.dv.cardinality);
  });
});

describe('loadDeletionVector on inline DVs (cdf-table-with-dv)', () => {
  // The change feed expectation deletes rows {0,1,4,5} at v3, keeps {0,5} deleted at v4 and
  // only {3} at v5 (row index = value in this one-file table).
  const expected: Record<number, number[]> = { 1: [0, 9], 3: [0, 1, 4, 5], 4: [0, 5], 5: [3] };

  it('decodes inline and file DVs without reading inline ones', async () => {
    const rec = recording(storeDvReader(new LocalStore(CDF)));
    const adds = loggedDvs(CDF).filter((e) => e.kind === 'add');
    expect(adds.map((e) => e.dv.storageType)).toEqual(['u', 'i', 'i', 'i']);
    for (const e of adds) {
      const deleted = await loadDeletionVector(e.dv, rec.read, { dataFile: e.path });
      expect(deleted.cardinality).toBe(e.dv.cardinality);
      expect(Array.from(deleted.rows)).toEqual(expected[e.version]);
    }
    expect(rec.calls.length).toBe(1);
  });

  it('re-encodes the Spark-written inline DVs exactly', async () => {
    for (const e of loggedDvs(CDF).filter((x) => x.kind === 'add' && x.version === 3)) {
      const bitmap = serializeRoaringBitmapArray(expected[3]);
      expect(inlineDeletionVectorDescriptor(bitmap, 4)).toEqual({ ...e.dv, offset: undefined });
    }
  });
});

describe('loadDeletionVector failures and writer round trip', () => {
  const tmp = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'dv-test-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const [entry] = loggedDvs(SMALL);

  const corruptCopy = (name: string, at: number): LocalStore => {
    const dir = nodePath.join(tmp, name);
    fs.mkdirSync(dir);
    const bytes = fs.readFileSync(nodePath.join(SMALL, SMALL_DV_FILE));
    bytes[at] ^= 0x01;
    fs.writeFileSync(nodePath.join(dir, SMALL_DV_FILE), bytes);
    return new LocalStore(dir);
  };

  it('raises CorruptDataError naming both files on a bitmap byte flip', async () => {
    const store = corruptCopy('bitmap-flip', 1 + 4 + 30);
    const err = await loadDeletionVector(entry.dv, storeDvReader(store), { dataFile: entry.path }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CorruptDataError);
    expect((err as Error).message).toContain(SMALL_DV_FILE);
    expect((err as Error).message).toContain(entry.path);
    expect((err as Error).message).toMatch(/CRC-32 mismatch/);
  });

  it('raises CorruptDataError on a damaged checksum or size', async () => {
    await expect(loadDeletionVector(entry.dv, storeDvReader(corruptCopy('crc-flip', 44)))).rejects.toThrow(
      /CRC-32 mismatch/,
    );
    await expect(loadDeletionVector(entry.dv, storeDvReader(corruptCopy('size-flip', 4)))).rejects.toThrow(
      /stored size 37 does not match/,
    );
    await expect(loadDeletionVector({ ...entry.dv, offset: 5 }, storeDvReader(new LocalStore(SMALL)))).rejects.toThrow(
      CorruptDataError,
    );
  });

  it('raises CorruptDataError for a missing DV file or a cardinality mismatch', async () => {
    const empty = new LocalStore(tmp);
    await expect(loadDeletionVector(entry.dv, storeDvReader(empty), { dataFile: 'x.parquet' })).rejects.toThrow(
      /deletion_vector_61d16c75.*of data file x\.parquet is missing/,
    );
    const read = storeDvReader(new LocalStore(SMALL));
    await expect(loadDeletionVector({ ...entry.dv, cardinality: 3 }, read)).rejects.toThrow(/cardinality 3/);
  });

  it('reads absolute (p) paths under the store root, refuses others', async () => {
    const store = new LocalStore(SMALL);
    const p: DeletionVectorDescriptor = {
      ...entry.dv,
      storageType: 'p',
      pathOrInlineDv: `${store.root}/${SMALL_DV_FILE}`,
    };
    expect(Array.from((await loadDeletionVector(p, storeDvReader(store))).rows)).toEqual([0, 9]);
    expect(uniqueDvId({ ...p, offset: null })).toBe(`p${p.pathOrInlineDv}`);
    const elsewhere = { ...p, pathOrInlineDv: `s3://other-bucket/${SMALL_DV_FILE}` };
    await expect(loadDeletionVector(elsewhere, storeDvReader(store))).rejects.toThrow(UnsupportedFeatureError);
  });

  it('writes a multi-DV file with a random prefix that loads back', async () => {
    const store = new MemoryStore('memory://t');
    const sets = [[1, 2, 3], Array.from({ length: 6000 }, (_, i) => i * 2), [2 ** 33 + 5]];
    const encoded = encodeDeletionVectorFile(sets.map((s) => serializeRoaringBitmapArray(s)));
    const uuid = 'd2c639aa-8816-431a-aaf6-d3fe2512ff61';
    const descs = sets.map((s, i) =>
      fileDeletionVectorDescriptor({
        uuid,
        prefix: 'ab',
        offset: encoded.offsets[i],
        sizeInBytes: serializeRoaringBitmapArray(s).length,
        cardinality: s.length,
      }),
    );
    // PROTOCOL.md example 1: prefix "ab" + this UUID.
    expect(descs[0].pathOrInlineDv).toBe('ab^-aqEH.-t@S}K{vb[*k^');
    const key = deletionVectorRelativePath(descs[0])!;
    expect(key).toBe(`ab/deletion_vector_${uuid}.bin`);
    await store.put(key, encoded.bytes);
    for (let i = 0; i < sets.length; i++) {
      expect(Array.from((await loadDeletionVector(descs[i], storeDvReader(store))).rows)).toEqual(sets[i]);
    }
  });
});
