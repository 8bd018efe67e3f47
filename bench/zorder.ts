/**
 * zorder: what Z-ordering buys a 2-column range query. A table of 100 files of uniformly random
 * (x, y) doubles (built once under bench/.data) is copied twice; one copy gets a plain
 * bin-packing OPTIMIZE, the other OPTIMIZE zOrderBy [x, y], both with the same target file size.
 * The query `x in [lo, lo + w) AND y in [lo2, lo2 + w)` (1% of rows for w = 0.1) runs on the
 * original and on both copies: files read (data skipping on min/max stats), rows (identical
 * everywhere), and time. Goal: Z-order reads a small fraction of the files; bin-packing does not.
 */
import type { Harness, Params, Variant } from './lib/harness.js';
import { ms, printTable, startTimer } from './lib/timing.js';

export const description = '100 files of random (x, y): files read by a 2-column range query before/after Z-order';

const FILES = 100;
const ROWS_PER_FILE = 20_000;
/** Output file size for both OPTIMIZEs (~45 outputs from the ~45 MB table). */
const TARGET = 1024 * 1024;
const QUERIES = [
  { name: '10% x 10% box', filter: 'x >= 0.3 AND x < 0.4 AND y >= 0.55 AND y < 0.65' },
  { name: '5% x 5% box', filter: 'x >= 0.8 AND x < 0.85 AND y >= 0.1 AND y < 0.15' },
  { name: 'x only, 10%', filter: 'x >= 0.3 AND x < 0.4' },
];

interface ZParams extends Params {
  dir: string;
}

/** Deterministic uniform doubles in [0, 1). */
function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

async function run(p: Params) {
  const { dir } = p as ZParams;
  const { cpSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const core = await import('@delta-serverless/core');
  const work = `${dir}-work`;
  rmSync(work, { recursive: true, force: true });
  const copies = { original: join(work, 'original'), binpack: join(work, 'binpack'), zorder: join(work, 'zorder') };
  for (const d of Object.values(copies)) cpSync(dir, d, { recursive: true });
  const out: Record<string, number | string> = {};
  const stop = startTimer();
  const opt = async (name: 'binpack' | 'zorder') => {
    const t = startTimer();
    const table = await core.DeltaTable.open(copies[name]);
    const r = await table.optimize({ targetSize: TARGET, ...(name === 'zorder' ? { zOrderBy: ['x', 'y'] } : {}) });
    out[`${name}OptimizeMs`] = t().ms;
    out[`${name}FilesOut`] = r.metrics.numFilesAdded;
    out[`${name}Removed`] = r.metrics.numFilesRemoved;
  };
  await opt('binpack');
  await opt('zorder');
  for (const [qi, q] of QUERIES.entries()) {
    let rows: string | undefined;
    for (const name of Object.keys(copies) as (keyof typeof copies)[]) {
      const table = await core.DeltaTable.open(copies[name]);
      const t = startTimer();
      const s = table.scan({ filter: q.filter, columns: ['id'] });
      const res = await s.toArrow();
      out[`q${qi}.${name}.ms`] = t().ms;
      const ids: number[] = [];
      for (const b of res.batches) for (const v of b.getChild('id')!) ids.push(Number(v as bigint));
      const key = ids.sort((a, b) => a - b).join(',');
      if (rows === undefined) rows = key;
      else if (key !== rows) throw new Error(`zorder: query "${q.filter}" returned different rows on ${name}`);
      out[`q${qi}.${name}.files`] = s.metrics!.filesRead;
      out[`q${qi}.${name}.of`] = s.metrics!.filesInSnapshot;
      out[`q${qi}.rows`] = ids.length;
    }
  }
  rmSync(work, { recursive: true, force: true });
  return { ...stop(), ...out };
}

export const variants: Record<string, Variant> = { run };

/** The 100-file table (one append per file), built once. */
async function ensureTable(): Promise<string> {
  const { existsSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { DATA_DIR } = await import('./lib/paths.js');
  const dir = join(DATA_DIR, `zorder-${FILES}`);
  const marker = `${dir}.json`;
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  const core = await import('@delta-serverless/core');
  const arrow = await import('apache-arrow');
  const r = rand(42);
  const schema = new arrow.Schema([
    new arrow.Field('id', new arrow.Int64(), false),
    new arrow.Field('x', new arrow.Float64(), false),
    new arrow.Field('y', new arrow.Float64(), false),
  ]);
  const table = await core.DeltaTable.create(dir, { schema });
  for (let f = 0; f < FILES; f++) {
    const id = new BigInt64Array(ROWS_PER_FILE);
    const x = new Float64Array(ROWS_PER_FILE);
    const y = new Float64Array(ROWS_PER_FILE);
    for (let i = 0; i < ROWS_PER_FILE; i++) {
      id[i] = BigInt(f * ROWS_PER_FILE + i);
      x[i] = r();
      y[i] = r();
    }
    await table.append(new arrow.Table({ id: arrow.makeVector(id), x: arrow.makeVector(x), y: arrow.makeVector(y) }));
  }
  writeFileSync(marker, JSON.stringify({ dir, files: FILES, rows: FILES * ROWS_PER_FILE }));
  return dir;
}

export async function main(h: Harness): Promise<void> {
  const dir = await ensureTable();
  const runs = await h.fresh('zorder', ['run'], { dir }, 1);
  const r = runs['run']![0]!;
  console.log(
    `\nzorder: ${FILES} files x ${ROWS_PER_FILE} rows; OPTIMIZE (target ${TARGET / 1024 / 1024} MiB): ` +
      `bin-packing ${r.binpackRemoved} -> ${r.binpackFilesOut} files in ${ms(Number(r.binpackOptimizeMs))}, ` +
      `Z-order [x, y] ${r.zorderRemoved} -> ${r.zorderFilesOut} files in ${ms(Number(r.zorderOptimizeMs))}; child peak RSS ${r.rssMB.toFixed(0)} MB`,
  );
  const cell = (qi: number, name: string) =>
    `${r[`q${qi}.${name}.files`]}/${r[`q${qi}.${name}.of`]} (${ms(Number(r[`q${qi}.${name}.ms`]))})`;
  printTable([
    ['query', 'rows', 'files read: original', 'after bin-packing', 'after Z-order [x, y]'],
    ...QUERIES.map((q, qi) => [
      `${q.name}: ${q.filter}`,
      String(r[`q${qi}.rows`]),
      cell(qi, 'original'),
      cell(qi, 'binpack'),
      cell(qi, 'zorder'),
    ]),
  ]);
  h.record('result', r);
}
