/**
 * Symlink manifests, checked the way Presto / Redshift Spectrum use them: DuckDB reads the
 * files the manifests list, partition values come from the manifest directory names, and the
 * rows must equal a model of the table kept by the test (not the engine's scan). A seeded
 * random sequence of appends, partition overwrites, DELETEs (of whole partitions, and of rows,
 * which rewrites files: a manifest table never gets deletion vectors), OPTIMIZE and VACUUM runs
 * on a table with delta.compatibility.symlinkFormatManifest.enabled=true (the post-commit hook)
 * and on one without it (generate-manifest after each step).
 */
import { mulberry32 as rng } from '../../packages/core/test/support/prng.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  DeltaTable,
  generateSymlinkManifest,
  ManifestNotSupportedError,
  writeDeltaTable,
  type PostCommitResult,
} from '@delta-serverless/core';
import { openDuckDb } from '../support/validate/deps.js';
import { copyCorpusTable, removeTempDirs } from '../read/support.js';
import { localPath, readManifests, rowsThroughManifests } from './support.js';

let db: { connection: DuckDBConnection; close: () => void };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-manifest-'));
let n = 0;
const newDir = () => fs.mkdtempSync(path.join(root, `t${n++}-`));
beforeAll(async () => {
  db = await openDuckDb();
});
afterAll(() => {
  db.close();
  fs.rmSync(root, { recursive: true, force: true });
  removeTempDirs();
});

const ENABLED = { 'delta.compatibility.symlinkFormatManifest.enabled': 'true' };

interface Row {
  id: number;
  p: string | null;
  v: number;
}

function batch(rows: readonly Row[]): arrow.Table {
  return new arrow.Table({
    id: arrow.vectorFromArray(
      rows.map((r) => BigInt(r.id)),
      new arrow.Int64(),
    ),
    p: arrow.vectorFromArray(
      rows.map((r) => r.p),
      new arrow.Utf8(),
    ),
    v: arrow.vectorFromArray(
      rows.map((r) => r.v),
      new arrow.Float64(),
    ),
  });
}

// Values that need Hive escaping in directory names (':', '%', ' '), and the null partition.
const PARTITIONS = ['a', 'b:c', 'd e', '100%', null] as const;

type Op = 'append' | 'replacePartition' | 'delete' | 'optimize' | 'vacuum';
const OPS: readonly Op[] = ['append', 'append', 'append', 'replacePartition', 'delete', 'delete', 'optimize', 'vacuum'];

function sortRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => ({ id: Number(r['id']), p: r['p'] ?? null, v: Number(r['v']) })).sort((x, y) => x.id - y.id);
}

/** The manifests list exactly the live files, and reading them gives the model's rows. */
async function expectManifestsMatch(dir: string, model: readonly Row[], partitioned: boolean): Promise<void> {
  const table = await DeltaTable.open(dir);
  const manifests = readManifests(dir);
  const live = table.snapshot.files().length;
  expect(manifests.reduce((k, m) => k + m.uris.length, 0)).toBe(live);
  for (const m of manifests) {
    expect(m.text === '' || m.text.endsWith('\n')).toBe(true);
    for (const u of m.uris) expect(u.startsWith('file:///')).toBe(true);
    if (partitioned) expect(m.uris.length).toBeGreaterThan(0); // no manifest for an empty partition
  }
  if (partitioned) {
    const dirs = manifests.map((m) => JSON.stringify(m.partition['p'] ?? null)).sort();
    const expected = [...new Set(model.map((r) => JSON.stringify(r.p)))].sort();
    expect(dirs).toEqual(expected);
  }
  const got = await rowsThroughManifests(db.connection, dir, partitioned ? ['id', 'v'] : ['id', 'p', 'v']);
  expect(sortRows(got)).toEqual(sortRows(model as unknown as Record<string, unknown>[]));
}

async function runSequence(seed: number, opts: { partitioned: boolean; hook: boolean }): Promise<void> {
  const dir = newDir();
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  let model: Row[] = [];
  let id = 0;
  const rows = (k: number, p?: string | null): Row[] =>
    Array.from({ length: k }, () => ({ id: id++, p: p === undefined ? pick(PARTITIONS) : p, v: next() }));
  const writeOpts = {
    ...(opts.partitioned ? { partitionBy: ['p'] } : {}),
    ...(opts.hook ? { properties: ENABLED } : {}),
  };
  const partitionSql = (p: string | null) => (p === null ? 'p IS NULL' : `p = '${p.replace(/'/g, "''")}'`);
  let result: { postCommit?: PostCommitResult } = await writeDeltaTable(dir, batch((model = rows(5))), writeOpts);
  const steps: Op[] = ['append'];
  for (let i = 0; i < 12; i++) {
    const op = pick(OPS);
    steps.push(op);
    const table = await DeltaTable.open(dir);
    if (op === 'append') {
      const add = rows(1 + Math.floor(next() * 4));
      result = await table.append(batch(add));
      model.push(...add);
      // After the first commit the hook rewrites only the partitions an append touched.
      if (opts.hook) expect(result.postCommit?.manifests?.full).toBe(false);
    } else if (op === 'replacePartition') {
      const p = pick(PARTITIONS);
      const add = rows(1 + Math.floor(next() * 3), p);
      result = await table.overwrite(batch(add), { replaceWhere: partitionSql(p) });
      model = [...model.filter((r) => r.p !== p), ...add];
    } else if (op === 'delete') {
      // A whole partition (files removed unread), or rows by value (files rewritten without them).
      if (next() < 0.5) {
        const p = pick(PARTITIONS);
        result = await table.delete(partitionSql(p));
        model = model.filter((r) => r.p !== p);
      } else {
        const cut = next() / 3;
        result = await table.delete(`v < ${cut}`);
        model = model.filter((r) => !(r.v < cut));
      }
    } else if (op === 'optimize') {
      await table.optimize({ minFilesPerBin: 2 });
    } else {
      await table.vacuum({ retentionHours: 0, enforceRetention: false });
    }
    if (opts.hook) expect(result.postCommit?.manifestError, `seed ${seed}: ${steps.join(',')}`).toBeUndefined();
    else await generateSymlinkManifest(await DeltaTable.open(dir));
    await expectManifestsMatch(dir, model, opts.partitioned);
  }
}

describe('symlink manifests read by a manifest-based engine (DuckDB on the listed files)', () => {
  it.each([11, 12, 13])('partitioned, post-commit hook, seed %i', (seed) =>
    runSequence(seed, { partitioned: true, hook: true }),
  );
  it('unpartitioned, post-commit hook', () => runSequence(21, { partitioned: false, hook: true }));
  it('partitioned, generate-manifest after each step (no hook)', () =>
    runSequence(31, { partitioned: true, hook: false }));

  it('without the property, commits write no manifests', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch([{ id: 1, p: 'a', v: 1 }]), { partitionBy: ['p'] });
    expect(fs.existsSync(path.join(dir, '_symlink_format_manifest'))).toBe(false);
  });

  it('enabling the property with setProperties writes the manifests in that commit', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch([{ id: 1, p: 'a', v: 1 }]), { partitionBy: ['p'] });
    await (await DeltaTable.open(dir)).setProperties(ENABLED);
    expect(readManifests(dir).map((m) => [m.dir, m.uris.length])).toEqual([['p=a', 1]]);
  });

  it("names directories and files as Delta's GENERATE does", async () => {
    const dir = newDir();
    await writeDeltaTable(
      dir,
      batch([
        { id: 1, p: 'b:c', v: 1 },
        { id: 2, p: null, v: 2 },
      ]),
      { partitionBy: ['p'], properties: ENABLED },
    );
    const table = await DeltaTable.open(dir);
    const manifests = readManifests(dir);
    expect(manifests.map((m) => m.dir)).toEqual(['p=__HIVE_DEFAULT_PARTITION__', 'p=b%3Ac']);
    // Each line is the object's absolute path: the Hive-escaped directory name as it is on disk.
    const byDir = new Map(manifests.map((m) => [m.dir, m.uris]));
    const colonFile = byDir.get('p=b%3Ac')![0]!;
    expect(colonFile).toMatch(new RegExp(`^file:///.*/p=b%3Ac/part-[^/]+\\.parquet$`));
    expect(fs.existsSync(localPath(colonFile))).toBe(true);
    expect(table.snapshot.files().some((f) => f.path.startsWith('p=b%253Ac/'))).toBe(true);
  });

  it('an empty unpartitioned table gets an empty manifest; a partition emptied by an overwrite loses its manifest', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch([{ id: 1, p: 'x', v: 1 }]), { properties: ENABLED });
    const t = await DeltaTable.open(dir);
    await t.overwrite(batch([]));
    expect(readManifests(dir).map((m) => [m.dir, m.text])).toEqual([['', '']]);

    const pdir = newDir();
    await writeDeltaTable(
      pdir,
      batch([
        { id: 1, p: 'x', v: 1 },
        { id: 2, p: 'y', v: 2 },
      ]),
      { partitionBy: ['p'], properties: ENABLED },
    );
    const pt = await DeltaTable.open(pdir);
    await pt.overwrite(batch([{ id: 3, p: 'y', v: 3 }]), { replaceWhere: "p = 'x' OR p = 'y'" });
    expect(readManifests(pdir).map((m) => m.dir)).toEqual(['p=y']);
  });

  it('refuses a table with column mapping, with the reason, and the hook reports it', async () => {
    const dir = newDir();
    const r = await writeDeltaTable(dir, batch([{ id: 1, p: 'a', v: 1 }]), {
      properties: { ...ENABLED, 'delta.columnMapping.mode': 'name' },
    });
    expect(r.postCommit?.manifestError?.message).toMatch(/column mapping/);
    const err = await generateSymlinkManifest((await DeltaTable.open(dir)).snapshot).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestNotSupportedError);
    expect((err as ManifestNotSupportedError).feature).toBe('columnMapping');
    expect(fs.existsSync(path.join(dir, '_symlink_format_manifest'))).toBe(false);
  });

  it('refuses a table whose live files have deletion vectors', async () => {
    const dir = copyCorpusTable('delta-golden/dv-partitioned-with-checkpoint');
    const err = await generateSymlinkManifest((await DeltaTable.open(dir)).snapshot).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManifestNotSupportedError);
    expect((err as Error).message).toMatch(/deletion vectors.*deleted rows/);
    expect(fs.existsSync(path.join(dir, '_symlink_format_manifest'))).toBe(false);
  });

  it('a full generation deletes manifests of partitions that are gone', async () => {
    const dir = newDir();
    await writeDeltaTable(dir, batch([{ id: 1, p: 'x', v: 1 }]), { partitionBy: ['p'] });
    const stale = path.join(dir, '_symlink_format_manifest', 'p=gone', 'manifest');
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, 'file:///nowhere.parquet\n');
    const r = await generateSymlinkManifest((await DeltaTable.open(dir)).snapshot);
    expect(r).toMatchObject({ full: true, written: 1, deleted: 1, files: 1 });
    expect(readManifests(dir).map((m) => m.dir)).toEqual(['p=x']);
  });
});
