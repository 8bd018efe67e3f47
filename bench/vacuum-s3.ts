/**
 * vacuum-s3: VACUUM of a table with 10,000 removed files on embedded S3, lite vs full.
 * The table is made cheaply by the parent: commit 0 (protocol, metadata, one live file),
 * commits 1-10 add 1,000 files each, commits 11-20 remove them (deletionTimestamp 30 days
 * ago), and the 10,001 data objects are PUT directly (8 bytes each). A child opens the table
 * through an S3Store with counted clients and runs `vacuum({ mode })`:
 *   lite   candidates from the log's tombstones, no listing of the table
 *   full   also lists the table (ListObjectsV2 pages) for untracked files
 * `now` is passed 8 days ahead: fauxqs stamps LastModified at upload and cannot backdate it,
 * and full mode keeps objects modified after the cutoff. Requests by kind, waves and time.
 * Goal: deletes in ceil(10,000 / 1,000) = 10 DeleteObjects; lite lists nothing.
 */
import { field, type Harness, type Params, type Runs, type Variant } from './lib/harness.js';
import { printFresh, summarize } from './lib/report.js';
import { median, ms, printTable, startTimer } from './lib/timing.js';

export const description = 'VACUUM of 10,000 removed files on embedded S3: requests by kind and time, lite vs full';

const REMOVED = 10_000;
const PER_COMMIT = 1_000;
const DAY = 86_400_000;

interface VacParams extends Params {
  prefix: string;
}

async function run(p: Params, mode: 'lite' | 'full') {
  const { prefix } = p as VacParams;
  const env = await import('./lib/s3-env.js');
  const s = await env.s3Session('conditional');
  const store = s.store(prefix);
  s.reset();
  const stop = startTimer();
  const table = await s.core.DeltaTable.open(`s3://${env.BENCH_BUCKET}/${prefix}`, { store });
  const openMs = stop().ms;
  const r = await table.vacuum({ mode, now: Date.now() + 8 * DAY });
  const t = stop();
  if (r.numFilesDeleted !== REMOVED)
    throw new Error(`vacuum-s3 ${mode}: deleted ${r.numFilesDeleted} files, expected ${REMOVED}`);
  const c = s.clients.counter;
  if (c.count() !== s.tracker.requests)
    throw new Error(`vacuum-s3: RequestCounter saw ${c.count()} calls, the wave tracker ${s.tracker.requests}`);
  return {
    ...t,
    importMs: s.importMs,
    openMs,
    deleted: r.numFilesDeleted,
    requests: c.count(),
    waves: s.tracker.waves,
    deleteObjects: c.count('s3:DeleteObjects'),
    lists: c.count('s3:ListObjectsV2'),
    gets: c.count('s3:GetObject'),
    puts: c.count('s3:PutObject'),
    kinds: JSON.stringify(c.snapshot()),
  };
}

export const variants: Record<string, Variant> = {
  lite: (p) => run(p, 'lite'),
  full: (p) => run(p, 'full'),
};

const line = (o: unknown) => JSON.stringify(o);
const dataPath = (i: number) => `part-00000-${String(i).padStart(6, '0')}-bench.c000.snappy.parquet`;

/** The log (21 commits) and the 10,001 data objects of a fresh table under `prefix`. */
async function makeTable(put: (key: string, body: string) => Promise<void>, prefix: string): Promise<void> {
  const t0 = Date.now() - 40 * DAY;
  const schemaString = line({ type: 'struct', fields: [{ name: 'id', type: 'long', nullable: true, metadata: {} }] });
  const add = (path: string, ts: number) => ({
    add: { path, partitionValues: {}, size: 8, modificationTime: ts, dataChange: true },
  });
  const info = (ts: number, operation: string) => ({ commitInfo: { timestamp: ts, operation } });
  const commits: string[] = [
    [
      info(t0, 'CREATE TABLE'),
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      {
        metaData: {
          id: '5f1c0d1e-0000-4000-8000-00000000beef',
          format: { provider: 'parquet', options: {} },
          schemaString,
          partitionColumns: [],
          configuration: {},
          createdTime: t0,
        },
      },
      add('live.parquet', t0),
    ]
      .map(line)
      .join('\n'),
  ];
  for (let c = 0; c < REMOVED / PER_COMMIT; c++) {
    const ts = t0 + (c + 1) * 1000;
    const acts: unknown[] = [info(ts, 'WRITE')];
    for (let i = c * PER_COMMIT; i < (c + 1) * PER_COMMIT; i++) acts.push(add(dataPath(i), ts));
    commits.push(acts.map(line).join('\n'));
  }
  for (let c = 0; c < REMOVED / PER_COMMIT; c++) {
    const ts = Date.now() - 30 * DAY + c * 1000;
    const acts: unknown[] = [info(ts, 'DELETE')];
    for (let i = c * PER_COMMIT; i < (c + 1) * PER_COMMIT; i++)
      acts.push({ remove: { path: dataPath(i), deletionTimestamp: ts, dataChange: true, size: 8 } });
    commits.push(acts.map(line).join('\n'));
  }
  const keys = [
    ...commits.map((body, v) => ({ key: `_delta_log/${String(v).padStart(20, '0')}.json`, body: `${body}\n` })),
    { key: 'live.parquet', body: 'PAR1PAR1' },
    ...Array.from({ length: REMOVED }, (_, i) => ({ key: dataPath(i), body: 'PAR1PAR1' })),
  ];
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const k = keys[next++]!;
      await put(`${prefix}/${k.key}`, k.body);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
}

export async function main(h: Harness): Promise<void> {
  const { startS3Bench } = await import('./lib/s3-services.js');
  const { BENCH_BUCKET } = await import('./lib/s3-env.js');
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const bench = await startS3Bench();
  const put = async (Key: string, body: string) => {
    const Body = Buffer.from(body);
    await bench.clients.s3.send(new PutObjectCommand({ Bucket: BENCH_BUCKET, Key, Body, ContentLength: Body.length }));
  };
  try {
    const modes = ['lite', 'full'];
    const runs: Runs = { lite: [], full: [] };
    for (let r = 0; r < h.reps; r++) {
      for (const mode of r % 2 === 0 ? modes : [...modes].reverse()) {
        const prefix = `vac-${mode}-r${r}`;
        const t0 = performance.now();
        await makeTable(put, prefix);
        console.log(
          `  made ${prefix}: 21 commits, ${REMOVED + 1} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
        const one = await h.fresh('vacuum-s3', [mode], { prefix }, 1);
        runs[mode]!.push(...one[mode]!);
      }
    }
    const sums = summarize(runs);
    printFresh(`vacuum-s3: ${REMOVED} removed files`, sums, 'lite');
    const med = (v: string, k: string) => median(field(runs[v]!, k));
    printTable([
      [
        'mode',
        'op (open + vacuum)',
        'open',
        'requests',
        'waves',
        'DeleteObjects',
        'List pages',
        'Get',
        'Put',
        'calls (run 1)',
      ],
      ...modes.map((v) => [
        v,
        ms(med(v, 'ms')),
        ms(med(v, 'openMs')),
        String(med(v, 'requests')),
        String(med(v, 'waves')),
        String(med(v, 'deleteObjects')),
        String(med(v, 'lists')),
        String(med(v, 'gets')),
        String(med(v, 'puts')),
        String(runs[v]![0]!.kinds),
      ]),
    ]);
    h.record('fresh', sums);
    h.record('runs', runs);
  } finally {
    await bench.stop();
  }
}
