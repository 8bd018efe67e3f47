/**
 * GENERATE symlink_format_manifest: the manifests of every partition of a snapshot, and
 * removal of manifests whose partitions are gone.
 */
import { listAll } from '../storage/object-store.js';
import type { DeltaTable } from '../table/delta-table.js';
import type { Snapshot } from '../table/snapshot.js';
import { executeManifestPlan, type ManifestResult } from './execute.js';
import { MANIFEST_DIR } from './layout.js';
import { planFullManifest } from './plan.js';

/**
 * Write `_symlink_format_manifest/` for a snapshot, or for a table's latest version (the
 * handle is refreshed first). Throws ManifestNotSupportedError for tables with column
 * mapping or deletion vectors.
 */
export async function generateSymlinkManifest(source: Snapshot | DeltaTable): Promise<ManifestResult> {
  // Duck-typed: importing DeltaTable here would close an import cycle through the post-commit hook.
  const snapshot = 'refresh' in source ? await source.refresh() : source;
  const existing = (await listAll(snapshot.store, `${MANIFEST_DIR}/`)).map((m) => m.path);
  const plan = planFullManifest(snapshot.uri, snapshot.metadata, snapshot.files(), existing);
  return executeManifestPlan(snapshot.store, plan);
}
