/**
 * optimize-memory: peak RSS of a bin-packing OPTIMIZE (LocalStore, or S3Store with --s3), to check that memory
 * depends on row groups and bins in flight, not on the bin or table size.
 *
 *   npx tsx --conditions=source bench/optimize-memory.ts [--s3] <table-dir> [bins=2] [targetMB=124] [rowGroupSize]
 *
 * <table-dir> is copied to a scratch directory first (OPTIMIZE rewrites it). With --s3 this
 * process starts the embedded S3 (bench/lib/s3-services.ts), uploads the table and runs the
 * OPTIMIZE in a child process through S3Store; the peak is VmHWM (see peakRssMB), which
 * unlike maxRSS does not inherit the parent's RSS.
 * Set NODE_OPTIONS=--expose-gc to sample heap/external/arrayBuffers after a GC per bin.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeltaTable, LocalStore, type ObjectStore } from '@delta-serverless/core';

const argv = process.argv.slice(2);
const s3Parent = argv[0] === '--s3';
if (s3Parent) argv.shift();
const [src, binsArg = '2', targetArg = '124', rgArg] = argv;
if (!src) throw new Error('usage: optimize-memory.ts [--s3] <table-dir> [bins] [targetMB] [rowGroupSize]');

if (s3Parent) {
  const { startS3Bench, uploadDir } = await import('./lib/s3-services.js');
  const bench = await startS3Bench();
  try {
    const up = await uploadDir(bench, src, 'optmem');
    console.log(`  uploaded ${up.files} files (${Math.round(up.bytes / 1048576)} MB)`);
    // The child must run while this process serves S3: spawn it asynchronously.
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 's3:optmem', ...argv.slice(1)], {
      stdio: 'inherit',
    });
    await new Promise((resolve) => child.on('exit', resolve));
  } finally {
    await bench.stop();
  }
  process.exit(0);
}

let store: ObjectStore;
let dir: string | undefined;
if (src.startsWith('s3:')) {
  const { s3Session } = await import('./lib/s3-env.js');
  store = (await s3Session('conditional')).store(src.slice(3));
} else {
  dir = mkdtempSync(join(tmpdir(), 'optmem-'));
  cpSync(src, dir, { recursive: true });
  store = new LocalStore(dir);
}
const mbOf = (n: number) => Math.round(n / 1048576);
const { peakRssMB } = await import('./lib/timing.js');
const maxRssMB = () => Math.round(peakRssMB());
const gc = (globalThis as { gc?: () => void }).gc;
const { PARQUET_WASM_URL } = await import('./lib/paths.js');
const pw = (await import(PARQUET_WASM_URL)) as { wasmMemory(): WebAssembly.Memory };
// Highest value of each gauge seen by a 20 ms sampler (they need not peak together).
const peak = { rss: 0, heap: 0, external: 0, arrayBuffers: 0, wasm: 0 };
const timer = setInterval(() => {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heap = Math.max(peak.heap, m.heapUsed);
  peak.external = Math.max(peak.external, m.external);
  peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
  peak.wasm = Math.max(peak.wasm, pw.wasmMemory().buffer.byteLength);
}, 20);
try {
  const t0 = Date.now();
  const table = await DeltaTable.open(store);
  console.log(`  opened: max RSS so far ${maxRssMB()} MB`);
  const r = await table.optimize({
    targetSize: Number(targetArg) * 1024 * 1024,
    maxConcurrentBins: Number(binsArg),
    rowGroupSize: rgArg ? Number(rgArg) : undefined,
    postCommitHooks: false,
    onProgress: (p) => {
      gc?.();
      const m = process.memoryUsage();
      console.log(
        `  bin ${p.binsDone}/${p.binsTotal}: max RSS so far ${maxRssMB()} MB, after GC: rss ${mbOf(m.rss)} MB heap ${mbOf(m.heapUsed)} external ${mbOf(m.external)} arrayBuffers ${mbOf(m.arrayBuffers)}`,
      );
    },
  });
  const m = r.metrics;
  console.log(
    `optimize: ${m.numFilesRemoved} -> ${m.numFilesAdded} files, ${mbOf(m.filesRemoved.totalSize)} -> ${mbOf(m.filesAdded.totalSize)} MB, ` +
      `${m.rowsWritten} rows in ${Date.now() - t0} ms; bins in flight ${binsArg}, target ${targetArg} MB`,
  );
  console.log(
    `peak RSS ${maxRssMB()} MB; sampled maxima: rss ${mbOf(peak.rss)}, heap ${mbOf(peak.heap)}, ` +
      `external ${mbOf(peak.external)}, arrayBuffers ${mbOf(peak.arrayBuffers)}, wasm memory ${mbOf(peak.wasm)} MB`,
  );
} finally {
  clearInterval(timer);
  if (dir) rmSync(dir, { recursive: true, force: true });
}
