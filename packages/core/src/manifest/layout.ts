/**
 * Where symlink manifests live and what they say, as Delta Spark's GENERATE
 * symlink_format_manifest writes them (hooks/GenerateSymlinkManifest.scala):
 *
 * - one file named `manifest` per partition directory under `<table>/_symlink_format_manifest/`
 *   (`_symlink_format_manifest/manifest` for an unpartitioned table);
 * - partition directories named like the data's Hive directories: `col=value/col2=value2`,
 *   each component Hive-escaped, a null or empty value as `__HIVE_DEFAULT_PARTITION__`
 *   (Spark's ExternalCatalogUtils.getPartitionPathString);
 * - one absolute URI of a live data file per line, each line ending in `\n`: the table root
 *   joined with the file's decoded path (Hadoop's Path of the URI), so the line names the
 *   object key exactly, `%` of Hive escaping included.
 *
 * Pure string logic, no I/O.
 */
import type { AddFile } from '../protocol/actions.js';
import { partitionDirectory, resolveLogPath } from '../protocol/paths.js';

export const MANIFEST_DIR = '_symlink_format_manifest';
export const MANIFEST_FILE = 'manifest';
/** Table property that makes every commit update the manifests of the partitions it changed. */
export const SYMLINK_MANIFEST_PROPERTY = 'delta.compatibility.symlinkFormatManifest.enabled';

/** Relative partition directory of a file (`''` for an unpartitioned table). */
export function manifestPartitionDir(
  partitionColumns: readonly string[],
  values: Readonly<Record<string, string | null>>,
): string {
  return partitionColumns.length === 0 ? '' : partitionDirectory(partitionColumns, values);
}

/** Store key of the manifest of a partition directory. */
export function manifestKey(partitionDir: string): string {
  return partitionDir === '' ? `${MANIFEST_DIR}/${MANIFEST_FILE}` : `${MANIFEST_DIR}/${partitionDir}/${MANIFEST_FILE}`;
}

/** The partition directory of a manifest key, or undefined for keys that are not manifests. */
export function partitionDirOfManifestKey(key: string): string | undefined {
  const prefix = `${MANIFEST_DIR}/`;
  if (!key.startsWith(prefix) || !key.endsWith(MANIFEST_FILE)) return undefined;
  const rest = key.slice(prefix.length, key.length - MANIFEST_FILE.length);
  if (rest === '') return '';
  return rest.endsWith('/') ? rest.slice(0, -1) : undefined;
}

/** Absolute URI of a data file, as a manifest line names it. */
export function dataFileUri(tableRoot: string, add: Pick<AddFile, 'path'>): string {
  const resolved = resolveLogPath(tableRoot, add.path);
  if ('uri' in resolved) return resolved.uri;
  return `${tableRoot.replace(/\/+$/, '')}/${resolved.key}`;
}

/** Manifest content: one URI per line, every line ending in a newline. */
export function manifestContent(uris: readonly string[]): Uint8Array {
  return new TextEncoder().encode(uris.map((u) => `${u}\n`).join(''));
}
