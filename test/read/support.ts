/**
 * Shared helpers of the reader tests: temp dirs, copies of corpus tables (the corpus is
 * read-only), commit file times, and reading results as corpus-encoded rows.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as arrow from 'apache-arrow';
import { batchToObjects, batchToRows, type JsonValue, type StructType } from '@delta-serverless/core';
import { commitPath } from '@delta-serverless/core/internal';
import { CORPUS } from '../support/corpus.js';

export { CORPUS };

const made: string[] = [];

/** A fresh temp dir, removed by `removeTempDirs()`. */
export function tempDir(prefix = 'ds-read-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** Copy a corpus table (`source/table`) to a temp dir, writable (the corpus files are read-only). */
export function copyCorpusTable(rel: string): string {
  const dir = tempDir();
  fs.cpSync(path.join(CORPUS, rel), dir, { recursive: true });
  makeWritable(dir);
  return dir;
}

function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) makeWritable(p);
    else fs.chmodSync(p, 0o644);
  }
}

/** Absolute path of the commit file of `version` in a table dir. */
export function commitFile(dir: string, version: number): string {
  return path.join(dir, ...commitPath(version).split('/'));
}

/** Set the modification time (ms) of commit files: times[i] for version i (undefined: leave). */
export function setCommitTimes(dir: string, times: readonly (number | undefined)[]): void {
  times.forEach((t, v) => {
    if (t !== undefined) fs.utimesSync(commitFile(dir, v), new Date(t), new Date(t));
  });
}

/** Read the actions of a commit file. */
export function readCommitActions(dir: string, version: number): Record<string, Record<string, unknown>>[] {
  return fs
    .readFileSync(commitFile(dir, version), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>);
}

/** Write the actions of a commit file (keeps its modification time). */
export function writeCommitActions(dir: string, version: number, actions: readonly unknown[]): void {
  const file = commitFile(dir, version);
  const st = fs.statSync(file);
  fs.writeFileSync(file, actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
  fs.utimesSync(file, st.atime, st.mtime);
}

/** All rows of a table in the corpus encoding. */
export function tableRows(table: arrow.Table, schema?: StructType): JsonValue[][] {
  return table.batches.flatMap((b) => batchToRows(b, schema));
}

export function tableObjects(table: arrow.Table, schema?: StructType): Record<string, JsonValue>[] {
  return table.batches.flatMap((b) => batchToObjects(b, schema));
}

/** Rows sorted by their JSON text (the corpus order), for multiset comparison. */
export function sortRows<T>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Values of the first column as numbers, sorted ascending. */
export function firstColumnSorted(table: arrow.Table): number[] {
  return tableRows(table)
    .map((r) => Number(r[0]))
    .sort((a, b) => a - b);
}

/** Integers [from, to] inclusive. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Catch the rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
