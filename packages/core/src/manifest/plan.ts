/**
 * Which manifests to write and which to delete, as plain JSON (no I/O). Full: every live
 * partition gets its manifest and manifests of partitions that no longer exist are deleted
 * (Delta's generateFullManifest). Incremental: only the partitions a commit touched are
 * rewritten, and those left without files lose their manifest (generateIncrementalManifest).
 */
import type { AddFile, Metadata } from '../protocol/actions.js';
import { columnMappingMode } from '../protocol/features.js';
import { ManifestNotSupportedError } from './errors.js';
import { dataFileUri, manifestKey, manifestPartitionDir, partitionDirOfManifestKey } from './layout.js';

export interface ManifestWrite {
  /** Store key of the manifest (`_symlink_format_manifest/<partition dir>/manifest`). */
  key: string;
  /** Absolute URIs of the partition's live data files, in log order. */
  paths: string[];
}

export interface ManifestPlan {
  /** Table root URI the paths are absolute against. */
  root: string;
  full: boolean;
  write: ManifestWrite[];
  /** Manifest keys to delete (partitions without live files). */
  delete: string[];
}

/** Throws ManifestNotSupportedError when manifests would misrepresent the table. */
export function assertManifestCompatible(root: string, metadata: Metadata, files: Iterable<AddFile>): void {
  if (columnMappingMode(metadata) !== 'none') throw new ManifestNotSupportedError('columnMapping', root);
  for (const f of files) if (f.deletionVector) throw new ManifestNotSupportedError('deletionVectors', root);
}

/** Live files grouped by manifest key; an unpartitioned table always has its one manifest. */
function groupByManifest(root: string, partitionColumns: readonly string[], files: Iterable<AddFile>) {
  const groups = new Map<string, string[]>();
  if (partitionColumns.length === 0) groups.set(manifestKey(''), []);
  for (const f of files) {
    const key = manifestKey(manifestPartitionDir(partitionColumns, f.partitionValues));
    let paths = groups.get(key);
    if (!paths) groups.set(key, (paths = []));
    paths.push(dataFileUri(root, f));
  }
  return groups;
}

/** Every partition's manifest; `existingKeys` (listed) that are not rewritten are deleted. */
export function planFullManifest(
  root: string,
  metadata: Metadata,
  files: readonly AddFile[],
  existingKeys: readonly string[],
): ManifestPlan {
  assertManifestCompatible(root, metadata, files);
  const groups = groupByManifest(root, metadata.partitionColumns, files);
  const stale = existingKeys.filter((k) => partitionDirOfManifestKey(k) !== undefined && !groups.has(k));
  return {
    root,
    full: true,
    write: [...groups].map(([key, paths]) => ({ key, paths })),
    delete: stale,
  };
}

/**
 * The manifests of the partitions a commit touched: `touched` holds the partition values of
 * the files it added and removed. Partitions still holding files are rewritten, the others'
 * manifests deleted.
 */
export function planIncrementalManifest(
  root: string,
  metadata: Metadata,
  files: readonly AddFile[],
  touched: readonly Readonly<Record<string, string | null>>[],
): ManifestPlan {
  const cols = metadata.partitionColumns;
  const touchedKeys = new Set(touched.map((pv) => manifestKey(manifestPartitionDir(cols, pv))));
  if (cols.length === 0) touchedKeys.add(manifestKey(''));
  const inTouched = files.filter((f) => touchedKeys.has(manifestKey(manifestPartitionDir(cols, f.partitionValues))));
  assertManifestCompatible(root, metadata, inTouched);
  const groups = groupByManifest(root, cols, inTouched);
  return {
    root,
    full: false,
    write: [...groups].map(([key, paths]) => ({ key, paths })),
    delete: [...touchedKeys].filter((k) => !groups.has(k)).sort(),
  };
}
