/**
 * Post-commit hook of `delta.compatibility.symlinkFormatManifest.enabled=true` tables: after
 * each commit, rewrite the manifests of the partitions the commit added or removed files in
 * (Delta's incremental generation). The whole table is regenerated when there are no
 * manifests yet, when the commit changed the metadata (partitioning may have changed), or
 * when a remove does not carry its partition values.
 */
import { readCommit } from '../log/load.js';
import { commitPath } from '../log/file-names.js';
import type { Action } from '../protocol/actions.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { executeManifestPlan, type ManifestResult } from './execute.js';
import { generateSymlinkManifest } from './generate.js';
import { MANIFEST_DIR, SYMLINK_MANIFEST_PROPERTY } from './layout.js';
import { planIncrementalManifest } from './plan.js';

export function symlinkManifestEnabled(snapshot: Snapshot): boolean {
  return snapshot.properties[SYMLINK_MANIFEST_PROPERTY]?.toLowerCase() === 'true';
}

async function hasManifests(snapshot: Snapshot): Promise<boolean> {
  for await (const _ of snapshot.store.list(`${MANIFEST_DIR}/`)) return true;
  return false;
}

/**
 * Update the manifests after the commit that produced `snapshot`. `actions` are that commit's
 * actions; when absent they are read from the log. Undefined when the table does not ask for
 * manifests or the commit touched no files. Throws ManifestNotSupportedError (column mapping,
 * deletion vectors) and storage errors: the commit itself has landed either way.
 */
export async function updateSymlinkManifests(
  snapshot: Snapshot,
  actions?: readonly Action[],
): Promise<ManifestResult | undefined> {
  if (!symlinkManifestEnabled(snapshot)) return undefined;
  await snapshot.loadFiles();
  const committed =
    actions ??
    (await readCommit(snapshot.store, {
      kind: 'commit',
      version: snapshot.version,
      path: commitPath(snapshot.version),
      size: 0,
      lastModified: 0,
    }));
  const touched: Record<string, string | null>[] = [];
  let needsFull = committed.some((a) => a.metaData);
  for (const a of committed) {
    if (a.add) touched.push(a.add.partitionValues);
    else if (a.remove) {
      if (a.remove.partitionValues) touched.push(a.remove.partitionValues);
      else if (snapshot.partitionColumns.length > 0) needsFull = true;
    }
  }
  if (!needsFull && touched.length === 0) return undefined;
  if (needsFull || !(await hasManifests(snapshot))) return generateSymlinkManifest(snapshot);
  const plan = planIncrementalManifest(snapshot.uri, snapshot.metadata, snapshot.files(), touched);
  return executeManifestPlan(snapshot.store, plan);
}
