/**
 * optimize-s3: bin-packing OPTIMIZE of a table of 1,000 small files (~1 MB each, ~1 GB) on
 * embedded S3, against doing the same work with parquet-wasm directly:
 *   ours          DeltaTable.open (S3Store) + optimize({ targetSize, postCommitHooks: false })
 *   parquet-wasm  LIST the data files, pack them into bins of the same target size (2 bins at
 *                 once, like OPTIMIZE's default), GetObject each input (next one prefetched),
 *                 readParquet + tableFromIPC, concatenate, writeParquet (snappy), multipart upload
 * The input table is built once under bench/.data and uploaded to a fresh prefix for every
 * repetition (OPTIMIZE changes it); the prefix is deleted afterwards to bound the parent's memory.
 * Then again with 4x the rows per file (OPT_S3_SCALES=1,4; OPT_S3_ROWS = rows per 1x file).
 * Goals: ours / parquet-wasm <= 1.3; child peak RSS < 512 MB.
 */
import { field, type ChildResult, type Harness, type Params, type Runs, type Variant } from './lib/harness.js';
import { printFresh, summarize } from './lib/report.js';
import { mb, median, ms, printTable, ratio, startTimer } from './lib/timing.js';

export const description = 'OPTIMIZE 1,000 small files on embedded S3 vs parquet-wasm read + concatenate + write';

const FILES = Number(process.env.OPT_S3_FILES ?? 1000);
/** Rows per input file at scale 1 (~1 MB of snappy Parquet with the bench data). */
const ROWS = Number(process.env.OPT_S3_ROWS ?? 30_000);
const SCALES = (process.env.OPT_S3_SCALES ?? '1,4').split(',').map(Number);
const MAX_TARGET = 128 * 1024 * 1024;
/** Multipart part size for the baseline's uploads (fauxqs caps request bodies at 11 MiB). */
const PART = 8 * 1024 * 1024;

interface OptParams extends Params {
  prefix: string;
  /** JSON file listing the input data files (relative paths): OPTIMIZE's outputs share the prefix. */
  manifest: string;
  files: number;
  rows: number;
  targetSize: number;
}

async function ours(p: Params) {
  const { prefix, files, rows, targetSize } = p as OptParams;
  const env = await import('./lib/s3-env.js');
  const s = await env.s3Session('conditional');
  const store = s.store(prefix);
  s.reset();
  const stop = startTimer();
  const table = await s.core.DeltaTable.open(`s3://${env.BENCH_BUCKET}/${prefix}`, { store });
  const r = await table.optimize({ targetSize, postCommitHooks: false });
  const t = stop();
  const m = r.metrics;
  if (m.numFilesRemoved !== files || m.rowsWritten !== rows)
    throw new Error(
      `optimize-s3: removed ${m.numFilesRemoved} files, wrote ${m.rowsWritten} rows; expected ${files} / ${rows}`,
    );
  const c = s.clients.counter;
  return {
    ...t,
    importMs: s.importMs,
    filesOut: m.numFilesAdded,
    bytesIn: m.filesRemoved.totalSize,
    bytesOut: m.filesAdded.totalSize,
    rows: m.rowsWritten,
    requests: c.count(),
    kinds: JSON.stringify(c.snapshot()),
  };
}

async function parquetWasm(p: Params) {
  const { prefix, files, rows, targetSize, manifest } = p as OptParams;
  const { readFileSync } = await import('node:fs');
  const { importArrow, importParquetWasm, timed } = await import('./lib/libs.js');
  const env = await import('./lib/s3-env.js');
  const s3sdk = await import('@aws-sdk/client-s3');
  const imp = await timed(async () => ({ arrow: await importArrow(), pw: await importParquetWasm() }));
  const { arrow, pw } = imp.value;
  const s = await env.s3Session('conditional');
  const client = s.clients.s3;
  const Bucket = env.BENCH_BUCKET;
  s.reset();
  const stop = startTimer();
  const wanted = new Set((JSON.parse(readFileSync(manifest, 'utf8')) as string[]).map((k) => `${prefix}/${k}`));
  const inputs: { key: string; size: number }[] = [];
  let token: string | undefined;
  do {
    const res = await client.send(
      new s3sdk.ListObjectsV2Command({ Bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
    );
    for (const o of res.Contents ?? [])
      if (o.Key !== undefined && wanted.has(o.Key)) inputs.push({ key: o.Key, size: o.Size ?? 0 });
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token);
  if (inputs.length !== files) throw new Error(`optimize-s3: listed ${inputs.length} data files, expected ${files}`);
  const bins: (typeof inputs)[] = [];
  let cur: typeof inputs = [];
  let curBytes = 0;
  for (const f of inputs) {
    if (cur.length > 0 && curBytes + f.size > targetSize) {
      bins.push(cur);
      cur = [];
      curBytes = 0;
    }
    cur.push(f);
    curBytes += f.size;
  }
  if (cur.length > 0) bins.push(cur);
  const get = async (key: string) =>
    (await client.send(new s3sdk.GetObjectCommand({ Bucket, Key: key }))).Body!.transformToByteArray();
  const props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.SNAPPY)
    .setMaxRowGroupSize(1_048_576)
    .build();
  const upload = async (Key: string, body: Uint8Array) => {
    const { UploadId } = await client.send(new s3sdk.CreateMultipartUploadCommand({ Bucket, Key }));
    const parts: { ETag: string; PartNumber: number }[] = [];
    for (let off = 0, n = 1; off < body.length; off += PART, n++) {
      const Body = body.subarray(off, Math.min(body.length, off + PART));
      const r = await client.send(
        new s3sdk.UploadPartCommand({ Bucket, Key, UploadId, PartNumber: n, Body, ContentLength: Body.length }),
      );
      parts.push({ ETag: r.ETag!, PartNumber: n });
    }
    await client.send(
      new s3sdk.CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }),
    );
  };
  let rowsOut = 0;
  let bytesOut = 0;
  let next = 0;
  const worker = async () => {
    while (next < bins.length) {
      const b = next++;
      const bin = bins[b]!;
      const batches: InstanceType<typeof arrow.RecordBatch>[] = [];
      let pending = get(bin[0]!.key);
      for (let i = 0; i < bin.length; i++) {
        const bytes = await pending;
        if (i + 1 < bin.length) pending = get(bin[i + 1]!.key);
        const t = pw.readParquet(bytes, { batchSize: 65_536 });
        for (const rb of arrow.tableFromIPC(t.intoIPCStream()).batches) batches.push(rb);
      }
      const table = new arrow.Table(batches);
      const out = pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')), props);
      rowsOut += table.numRows;
      bytesOut += out.length;
      await upload(`${prefix}-pw-out/part-${b}.parquet`, out);
    }
  };
  await Promise.all([worker(), worker()]);
  const t = stop();
  if (rowsOut !== rows) throw new Error(`optimize-s3: parquet-wasm wrote ${rowsOut} rows, expected ${rows}`);
  return {
    ...t,
    importMs: imp.ms + s.importMs,
    filesOut: bins.length,
    bytesIn: inputs.reduce((n, f) => n + f.size, 0),
    bytesOut,
    rows: rowsOut,
    requests: s.clients.counter.count(),
    kinds: JSON.stringify(s.clients.counter.snapshot()),
  };
}

export const variants: Record<string, Variant> = { ours, 'parquet-wasm': parquetWasm };

/** The input table (FILES appends of rowsPerFile rows), built once under bench/.data. */
async function ensureInput(rowsPerFile: number): Promise<{ dir: string; bytes: number; manifest: string }> {
  const { existsSync, readFileSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { DATA_DIR } = await import('./lib/paths.js');
  const name = `optimize-${FILES}x${rowsPerFile}`;
  const dir = join(DATA_DIR, name);
  const marker = join(DATA_DIR, `${name}.json`);
  const manifest = join(DATA_DIR, `${name}.files.json`);
  if (existsSync(marker))
    return JSON.parse(readFileSync(marker, 'utf8')) as { dir: string; bytes: number; manifest: string };
  rmSync(dir, { recursive: true, force: true });
  const core = await import('@delta-serverless/core');
  const arrow = await import('apache-arrow');
  const { makeBatch, SCHEMA } = await import('./lib/data.js');
  const t0 = performance.now();
  const table = await core.DeltaTable.create(dir, { schema: SCHEMA });
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    await table.append(new arrow.Table(makeBatch(i * rowsPerFile, rowsPerFile)));
    if (i % 100 === 99) process.stdout.write(`  built ${i + 1}/${FILES} files\n`);
  }
  for (const f of table.snapshot.files()) bytes += f.size;
  writeFileSync(manifest, JSON.stringify(table.snapshot.files().map((f) => decodeURIComponent(f.path))));
  const info = { dir, bytes, manifest };
  writeFileSync(marker, JSON.stringify(info));
  console.log(
    `  built ${dir}: ${FILES} files, ${(bytes / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  return info;
}

export async function main(h: Harness): Promise<void> {
  const { startS3Bench, uploadDir } = await import('./lib/s3-services.js');
  const { BENCH_BUCKET } = await import('./lib/s3-env.js');
  const { ListObjectsV2Command, DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
  const bench = await startS3Bench();
  const dropPrefix = async (prefix: string) => {
    let token: string | undefined;
    do {
      const res = await bench.clients.s3.send(
        new ListObjectsV2Command({ Bucket: BENCH_BUCKET, Prefix: `${prefix}/`, ContinuationToken: token }),
      );
      const keys = (res.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length > 0)
        await bench.clients.s3.send(new DeleteObjectsCommand({ Bucket: BENCH_BUCKET, Delete: { Objects: keys } }));
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  };
  const recorded: Record<string, unknown> = {};
  try {
    for (const scale of SCALES) {
      const rowsPerFile = ROWS * scale;
      const input = await ensureInput(rowsPerFile);
      const targetSize = Math.min(MAX_TARGET, Math.ceil(input.bytes / 8));
      const runs: Runs = { ours: [], 'parquet-wasm': [] };
      for (let r = 0; r < h.reps; r++) {
        const prefix = `opt-${scale}x-r${r}`;
        const t0 = performance.now();
        const up = await uploadDir(bench, input.dir, prefix);
        console.log(
          `  scale ${scale}x rep ${r + 1}: uploaded ${up.files} files (${(up.bytes / 1e6).toFixed(0)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
        const order = r % 2 === 0 ? ['ours', 'parquet-wasm'] : ['parquet-wasm', 'ours'];
        const params: OptParams = {
          prefix,
          manifest: input.manifest,
          files: FILES,
          rows: FILES * rowsPerFile,
          targetSize,
        };
        for (const v of order) {
          const one = await h.fresh('optimize-s3', [v], params, 1);
          runs[v]!.push(...(one[v] as ChildResult[]));
        }
        await dropPrefix(prefix);
        await dropPrefix(`${prefix}-pw-out`);
      }
      const sums = summarize(runs);
      printFresh(`optimize-s3 ${scale}x: ${FILES} files, ${(input.bytes / 1e6).toFixed(0)} MB`, sums, 'parquet-wasm');
      const med = (v: string, k: string) => median(field(runs[v]!, k));
      printTable([
        [
          'variant',
          'op',
          'ratio vs parquet-wasm',
          'peak RSS',
          'files out',
          'MB in',
          'MB out',
          'requests',
          'calls (run 1)',
        ],
        ...['ours', 'parquet-wasm'].map((v) => [
          v,
          ms(med(v, 'ms')),
          ratio(med(v, 'ms'), med('parquet-wasm', 'ms')),
          mb(med(v, 'rssMB')),
          String(med(v, 'filesOut')),
          (med(v, 'bytesIn') / 1e6).toFixed(0),
          (med(v, 'bytesOut') / 1e6).toFixed(0),
          String(med(v, 'requests')),
          String(runs[v]![0]!.kinds),
        ]),
      ]);
      recorded[`${scale}x`] = { input, targetSize, rowsPerFile, sums, runs };
    }
    h.record('scales', recorded);
  } finally {
    await bench.stop();
  }
}
