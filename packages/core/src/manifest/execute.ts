/** Carry out a manifest plan: write the manifests (overwriting), then delete the stale ones. */
import type { ObjectStore } from '../storage/object-store.js';
import { mapLimit } from '../util/concurrency.js';
import { manifestContent } from './layout.js';
import type { ManifestPlan } from './plan.js';

export interface ManifestResult {
  /** Whole table (true) or only the partitions a commit touched. */
  full: boolean;
  /** Manifest files written. */
  written: number;
  /** Manifest files deleted (partitions left without live files). */
  deleted: number;
  /** Data files listed across the written manifests. */
  files: number;
}

/** Manifests written at once. */
const WRITE_CONCURRENCY = 16;

export async function executeManifestPlan(store: ObjectStore, plan: ManifestPlan): Promise<ManifestResult> {
  await mapLimit(plan.write, WRITE_CONCURRENCY, (w) => store.put(w.key, manifestContent(w.paths)));
  if (plan.delete.length > 0) await store.deleteMany(plan.delete);
  return {
    full: plan.full,
    written: plan.write.length,
    deleted: plan.delete.length,
    files: plan.write.reduce((n, w) => n + w.paths.length, 0),
  };
}
