export { generateSymlinkManifest } from './generate.js';
export { updateSymlinkManifests, symlinkManifestEnabled } from './hook.js';
export { executeManifestPlan, type ManifestResult } from './execute.js';
export {
  planFullManifest,
  planIncrementalManifest,
  assertManifestCompatible,
  type ManifestPlan,
  type ManifestWrite,
} from './plan.js';
export { MANIFEST_DIR, MANIFEST_FILE, SYMLINK_MANIFEST_PROPERTY, manifestKey, dataFileUri } from './layout.js';
export { ManifestNotSupportedError } from './errors.js';
