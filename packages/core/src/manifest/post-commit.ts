/** The manifest step of the post-commit hooks: its outcome, never a thrown error. */
import { StorageError } from '../errors.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { ManifestResult } from './execute.js';
import { updateSymlinkManifests } from './hook.js';

export interface ManifestHookResult {
  /** Manifests updated after the commit (tables with delta.compatibility.symlinkFormatManifest.enabled). */
  manifests?: ManifestResult;
  /**
   * The manifests could not be updated: the commit landed, but engines reading through them
   * see the previous state until `generate-manifest` runs.
   */
  manifestError?: Error;
}

export async function runManifestHook(snapshot: Snapshot): Promise<ManifestHookResult> {
  try {
    const manifests = await updateSymlinkManifests(snapshot);
    return manifests ? { manifests } : {};
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      manifestError: new StorageError(
        `version ${snapshot.version} of ${snapshot.uri} was committed, but its symlink manifests were not updated: ${reason} ` +
          'Engines reading _symlink_format_manifest/ see stale files until `delta-serverless generate-manifest` ' +
          '(generateSymlinkManifest) succeeds.',
        { cause: err },
      ),
    };
  }
}
