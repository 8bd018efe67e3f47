/**
 * Shared helpers for the transaction tests (test/transactions): temp tables, small batches with
 * unique ids, reading ids back, listing the raw log independently of the engine, interleaving a
 * competing writer right before a commit, and forking TypeScript child processes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { DeltaTable } from '@delta-serverless/core';
import { assertValidTable, type ValidateOptions } from './validate-table.js';

export { InterleavingStore } from './interleaving-store.js';

export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** A fresh temp directory (the table root is a child that does not exist yet). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ds-${prefix}-`));
}

/** One batch of rows `id` (int64), `p` (partition string) and `v` (float64 = id / 2). */
export function rows(ids: readonly number[], partition: string | ((id: number) => string) = 'A'): arrow.Table {
  const p = ids.map((id) => (typeof partition === 'string' ? partition : partition(id)));
  return new arrow.Table({
    id: arrow.makeVector(BigInt64Array.from(ids.map(BigInt))),
    p: arrow.vectorFromArray(p, new arrow.Utf8()),
    v: arrow.makeVector(Float64Array.from(ids.map((id) => id / 2))),
  });
}

/** `[start, start + n)`. */
export function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}

/** Every `id` in the table at its latest version (through the engine), sorted. */
export async function readIds(dir: string): Promise<number[]> {
  const table = await DeltaTable.open(dir);
  const t = await table.toArrow({ columns: ['id'] });
  const out: number[] = [];
  for (const b of t.batches) {
    const col = b.getChild('id')!;
    for (let i = 0; i < col.length; i++) out.push(Number(col.get(i) as bigint));
  }
  return out.sort((a, b) => a - b);
}

/** Runs the independent validator; the one place to change if its API moves. */
export async function validate(dir: string, options: ValidateOptions = {}): Promise<void> {
  await assertValidTable(dir, options);
}

export interface RawCommit {
  version: number;
  actions: Record<string, Record<string, unknown>>[];
}

/** The commit files in `_delta_log`, parsed by plain JSON.parse (throws on a torn file). */
export function rawCommits(dir: string): RawCommit[] {
  const logDir = path.join(dir, '_delta_log');
  return fs
    .readdirSync(logDir)
    .filter((n) => /^\d{20}\.json$/.test(n))
    .sort()
    .map((n) => {
      const text = fs.readFileSync(path.join(logDir, n), 'utf8');
      const actions = text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
      return { version: Number(n.slice(0, 20)), actions };
    });
}

/** The commitInfo of a raw commit. */
export function commitInfoOf(c: RawCommit): Record<string, unknown> {
  const info = c.actions.find((a) => a.commitInfo)?.commitInfo;
  if (!info) throw new Error(`version ${c.version} has no commitInfo`);
  return info;
}

/** The versions of the commit files present, ascending. */
export function versionsOf(dir: string): number[] {
  return rawCommits(dir).map((c) => c.version);
}

/** Data files on disk that no commit adds (a failed or skipped write must leave none). */
export function orphanDataFiles(dir: string): string[] {
  const referenced = new Set<string>();
  for (const c of rawCommits(dir))
    for (const a of c.actions) if (a.add) referenced.add(decodeURIComponent(String(a.add.path)));
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const key = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '_delta_log') walk(key);
      } else if (e.name.endsWith('.parquet') && !referenced.has(key)) out.push(key);
    }
  };
  walk('');
  return out;
}

/** Forks a TypeScript fixture under tsx with the `source` condition (workspace sources, no build). */
export function forkFixture(script: string, args: string[]): ChildProcess {
  return fork(path.join(REPO_ROOT, 'test/transactions/fixtures', script), args, {
    cwd: REPO_ROOT,
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

/** Collects a child's stderr (for failure messages). */
export function captureStderr(child: ChildProcess): () => string {
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.on('data', () => undefined);
  return () => err;
}

/** Resolves with the exit code (or signal) once the child ends. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Resolves with the first IPC message matching `pred`. */
export function message<T>(child: ChildProcess, pred: (m: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: unknown) => {
      if (pred(m as T)) {
        child.off('message', onMsg);
        child.off('exit', onExit);
        resolve(m as T);
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`child exited (${code ?? signal}) before the expected message`));
    child.on('message', onMsg);
    child.once('exit', onExit);
  });
}

/** The q-quantile (0..1) of `values` (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
