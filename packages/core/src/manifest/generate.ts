/**
 * GENERATE symlink_format_manifest: the manifests of every partition of a snapshot, and
 * removal of manifests whose partitions are gone.
 */
import { listAll } from '../storage/object-store.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { executeManifestPlan, type ManifestResult } from './execute.js';
import { MANIFEST_DIR } from './layout.js';
import { planFullManifest } from './plan.js';

/**
 * Write `_symlink_format_manifest/` for a snapshot, or for a table's latest version (the
 * handle is refreshed first). Throws ManifestNotSupportedError for tables with column
 * mapping or deletion vectors.
 */
export async function generateSymlinkManifest(
  source: Snapshot | { refresh(): Promise<Snapshot> },
): Promise<ManifestResult> {
  // A DeltaTable is any handle that refreshes to its latest snapshot (the table layer is above this one).
  const snapshot = await ('refresh' in source ? await source.refresh() : source).loadFiles();
  const existing = (await listAll(snapshot.store, `${MANIFEST_DIR}/`)).map((m) => m.path);
  const plan = planFullManifest(snapshot.uri, snapshot.metadata, snapshot.files(), existing);
  return executeManifestPlan(snapshot.store, plan);
}
