/**
 * After a commit: update symlink manifests when the table asks for them
 * (manifest/hook.ts), write a checkpoint every `delta.checkpointInterval` versions (default
 * 10) and then remove expired log files (metadata cleanup). Failures here never fail the
 * commit that triggered them; they are reported to the caller.
 */
import { writeCheckpoint } from '../log/checkpoint-write.js';
import { runManifestHook, type ManifestHookResult } from '../manifest/post-commit.js';
import { cleanupExpiredLogs } from '../log/cleanup.js';
import { hasWriterFeature } from '../protocol/features.js';
import type { Snapshot } from '../snapshot/snapshot.js';

export interface PostCommitResult extends ManifestHookResult {
  checkpointed?: number;
  cleanedUp?: number;
  error?: Error;
}

export function checkpointInterval(snapshot: Snapshot): number {
  const n = Number(snapshot.properties['delta.checkpointInterval'] ?? 10);
  return Number.isInteger(n) && n > 0 ? n : 10;
}

export async function runPostCommitHooks(snapshot: Snapshot): Promise<PostCommitResult> {
  const out: PostCommitResult = await runManifestHook(snapshot);
  if (snapshot.version === 0 || snapshot.version % checkpointInterval(snapshot) !== 0) return out;
  // v2Checkpoint tables need v2 checkpoints, which we do not write: leave them to Spark.
  if (hasWriterFeature(snapshot.protocol, 'v2Checkpoint')) return out;
  try {
    await snapshot.loadFiles(); // a snapshot held without its file list reads it now
    await writeCheckpoint(snapshot.engine, snapshot.state);
    out.checkpointed = snapshot.version;
    if (snapshot.properties['delta.enableExpiredLogCleanup'] !== 'false') {
      const { deleted } = await cleanupExpiredLogs(snapshot.engine, snapshot.state);
      out.cleanedUp = deleted.length;
    }
  } catch (err) {
    out.error = err as Error;
  }
  return out;
}
