/**
 * Reading symlink manifests as an engine without a Delta connector does (Presto's
 * SymlinkTextInputFormat, Redshift Spectrum): list `_symlink_format_manifest/`, take each
 * manifest's partition values from its directory name, read the listed Parquet files with
 * DuckDB. Nothing here uses the engine's code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../support/validate/deps.js';

export interface ManifestFile {
  /** Directory below `_symlink_format_manifest/` (`''` unpartitioned). */
  dir: string;
  /** Partition values decoded from the directory name (Hive unescaping, default partition = null). */
  partition: Record<string, string | null>;
  /** The raw text. */
  text: string;
  /** Listed URIs. */
  uris: string[];
}

function hiveUnescape(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Every `manifest` under `<tableDir>/_symlink_format_manifest/`, sorted by directory. */
export function readManifests(tableDir: string): ManifestFile[] {
  const root = path.join(tableDir, '_symlink_format_manifest');
  if (!fs.existsSync(root)) return [];
  const out: ManifestFile[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const rel = path.relative(root, path.dirname(p)).split(path.sep).join('/');
        const partition: Record<string, string | null> = {};
        for (const part of rel === '' ? [] : rel.split('/')) {
          const eq = part.indexOf('=');
          const value = part.slice(eq + 1);
          partition[hiveUnescape(part.slice(0, eq))] =
            value === '__HIVE_DEFAULT_PARTITION__' ? null : hiveUnescape(value);
        }
        const text = fs.readFileSync(p, 'utf8');
        out.push({ dir: rel, partition, text, uris: text.split('\n').filter((l) => l !== '') });
        if (e.name !== 'manifest') throw new Error(`unexpected file in the manifest tree: ${p}`);
      }
    }
  };
  walk(root);
  return out.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
}

/**
 * The file a manifest line names. Lines are Hadoop paths, not URIs: `%` is literal (a Hive
 * escape in the directory name), so no percent-decoding.
 */
export function localPath(line: string): string {
  if (!line.startsWith('file:///')) throw new Error(`not a local file path: ${line}`);
  return line.slice('file://'.length);
}

/** The rows an engine reading through the manifests returns: data columns plus partition values. */
export async function rowsThroughManifests(
  db: DuckDBConnection,
  tableDir: string,
  columns: readonly string[],
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const m of readManifests(tableDir)) {
    if (m.uris.length === 0) continue;
    const files = m.uris.map((u) => sqlString(localPath(u))).join(', ');
    const reader = await db.runAndReadAll(`SELECT ${columns.join(', ')} FROM read_parquet([${files}])`);
    for (const r of reader.getRowObjectsJson() as Record<string, unknown>[]) rows.push({ ...r, ...m.partition });
  }
  return rows;
}
