/**
 * What the DML benchmarks (dml-delete, merge-upsert) share: the bench table of N files of
 * `rowsPerFile` rows (one append each, deletion vectors enabled), built once under bench/.data,
 * and the sizes of every file under a table directory (to count bytes written).
 */
import type * as NodeFs from 'node:fs';
import type * as NodePath from 'node:path';

export async function ensureDmlTable(files: number, rowsPerFile = 100_000, name = `dml-${files}`): Promise<string> {
  const { existsSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { DATA_DIR } = await import('./paths.js');
  const dir = join(DATA_DIR, name);
  const marker = `${dir}.json`;
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  const core = await import('@delta-serverless/core');
  const { makeBatch } = await import('./data.js');
  const t0 = performance.now();
  await core.writeDeltaTable(dir, makeBatch(0, rowsPerFile), {
    properties: { 'delta.enableDeletionVectors': 'true' },
  });
  const table = await core.DeltaTable.open(dir);
  for (let f = 1; f < files; f++) await table.append(makeBatch(f * rowsPerFile, rowsPerFile));
  writeFileSync(marker, JSON.stringify({ dir, files, rows: files * rowsPerFile }));
  console.log(`  built ${dir}: ${files} files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

/** Size of every file under `dir`, by path relative to it (`fs`/`path` passed in by the child). */
export function fileSizes(dir: string, fs: typeof NodeFs, path: typeof NodePath): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const key = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(key);
      else out.set(key, fs.statSync(path.join(dir, key)).size);
    }
  };
  walk('');
  return out;
}

/** Bytes of the files under `dir` that `before` (its fileSizes ahead of an operation) did not have. */
export function bytesWrittenSince(
  before: Map<string, number>,
  dir: string,
  fs: typeof NodeFs,
  path: typeof NodePath,
): number {
  return [...fileSizes(dir, fs, path)].filter(([k]) => !before.has(k)).reduce((n, [, v]) => n + v, 0);
}

/** Distinct data files (Parquet outside `_delta_log`) among a store's recorded GETs. */
export function dataFilesRead(log: readonly { kind: string; path: string }[]): number {
  return new Set(
    log
      .filter((r) => r.kind === 'get' && r.path.endsWith('.parquet') && !r.path.startsWith('_delta_log'))
      .map((r) => r.path),
  ).size;
}
