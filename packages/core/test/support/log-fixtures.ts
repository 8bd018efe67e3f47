/**
 * Test helpers for checkpoint and cleanup tests: copy corpus tables to a scratch directory,
 * and reduce a TableState to plain, comparable data (null and absent fields treated alike,
 * stats compared parsed, tombstones restricted to the fields a checkpoint keeps).
 */
import { chmod, cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddFile, RemoveFile } from '../../src/protocol/actions.js';
import type { TableState } from '../../src/log/replay.js';
import { CORPUS } from '../../../../test/support/corpus.js';

export { CORPUS };

/** Copy a corpus table (read-only) into a fresh temporary directory; returns the copy's path. */
export async function copyCorpusTable(table: string): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), `ds-${table.replace(/\//g, '__')}-`));
  await cp(join(CORPUS, table), target, { recursive: true });
  // The corpus is read-only and cp keeps modes: make the copy writable.
  await chmod(target, 0o755);
  for (const e of await readdir(target, { recursive: true, withFileTypes: true })) {
    await chmod(join(e.parentPath, e.name), e.isDirectory() ? 0o755 : 0o644);
  }
  return target;
}

type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

/** Drop null/undefined object fields recursively; keep array positions. */
export function clean(v: unknown): Plain {
  if (Array.isArray(v)) return v.map((x) => clean(x));
  if (v && typeof v === 'object') {
    const out: { [k: string]: Plain } = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== null && x !== undefined) out[k] = clean(x);
    }
    return out;
  }
  return (v ?? null) as Plain;
}

const ADD_FIELDS = [
  'path',
  'partitionValues',
  'size',
  'modificationTime',
  'dataChange',
  'tags',
  'deletionVector',
  'baseRowId',
  'defaultRowCommitVersion',
  'clusteringProvider',
] as const;
export const REMOVE_FIELDS = [
  'path',
  'deletionTimestamp',
  'dataChange',
  'extendedFileMetadata',
  'partitionValues',
  'size',
  'deletionVector',
  'baseRowId',
  'defaultRowCommitVersion',
] as const;

function pick(o: object, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = (o as Record<string, unknown>)[f];
  return out;
}

/** Effective stats of an add: its JSON string parsed, else the checkpoint's stats_parsed. */
export function statsOf(state: TableState, add: AddFile): unknown {
  if (typeof add.stats === 'string') return JSON.parse(add.stats);
  return state.parsedStats.get(add);
}

/**
 * Everything a snapshot exposes, as plain sorted data. `ignoreDataChange`: Spark's own
 * checkpoints store every add/remove with dataChange=false, so states that went through one
 * differ from replayed ones in that flag only.
 */
export function summarize(state: TableState, opts: { ignoreDataChange?: boolean } = {}): Plain {
  const drop = (o: Record<string, unknown>) => (opts.ignoreDataChange ? { ...o, dataChange: undefined } : o);
  const p = state.protocol!;
  const sorted = <T>(m: ReadonlyMap<string, T>, f: (v: T) => unknown) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, clean(f(v))]);
  return clean({
    version: state.version,
    protocol: {
      ...p,
      readerFeatures: p.minReaderVersion >= 3 ? (p.readerFeatures ?? []) : undefined,
      writerFeatures: p.minWriterVersion >= 7 ? (p.writerFeatures ?? []) : undefined,
    },
    // A checkpoint always has format.options (an empty map when the commit had none), as Spark's.
    metadata: {
      ...state.metadata!,
      format: { ...state.metadata!.format, options: state.metadata!.format.options ?? {} },
    },
    files: sorted(state.files, (a: AddFile) => drop({ ...pick(a, ADD_FIELDS), stats: statsOf(state, a) })),
    tombstones: sorted(state.tombstones, (r: RemoveFile) => drop(pick(r, REMOVE_FIELDS))),
    txns: sorted(state.txns, (t) => t),
    domains: sorted(state.domains, (d) => d),
  });
}
