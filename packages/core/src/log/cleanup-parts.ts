/**
 * What failed checkpoint runs leave behind at versions log cleanup otherwise keeps (at or
 * after its cutoff checkpoint), once they are older than the retention cutoff, so no run that
 * could still complete them is in progress:
 * - parts of a classic multi-part checkpoint whose set never completed (a worker failed or
 *   the deadline passed: `N.checkpoint.i.n.parquet` for some i only). Readers ignore them
 *   (segment.ts takes only complete sets), so they would stay forever;
 * - top-level v2 checkpoints (`N.checkpoint.<uuid>.json|parquet`) that name a sidecar which
 *   does not exist: no reader can load them. Their sidecars then count as unreferenced.
 * Never a set or file `_last_checkpoint` names, nor the cutoff checkpoint itself.
 * Sidecars a failed v2 run wrote are never referenced: cleanup.ts deletes those after a day.
 */
import type { Sidecar } from '../protocol/actions.js';
import { decodeUriPath } from '../protocol/paths.js';
import type { LogFile } from './file-names.js';
import type { CheckpointFile, CheckpointRef, LastCheckpointHint } from './segment.js';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Parts of multi-part sets at versions >= `keep` that are incomplete, older than `cutoff` and not the hint's. */
export function abandonedPartSets(
  files: readonly LogFile[],
  keep: number,
  cutoff: number,
  hint: LastCheckpointHint | undefined,
): string[] {
  const sets = new Map<string, CheckpointFile[]>();
  for (const f of files) {
    if (f.kind !== 'checkpoint' || !f.part || f.version < keep) continue;
    const key = `${f.version}/${f.part.count}`;
    const set = sets.get(key);
    if (set) set.push(f);
    else sets.set(key, [f]);
  }
  const out: string[] = [];
  for (const set of sets.values()) {
    const { version, part } = set[0]! as CheckpointFile & { part: { count: number } };
    const indexes = new Set(set.map((f) => f.part!.index));
    if (indexes.size === part.count) continue; // complete: a checkpoint readers use
    if (hint && hint.version === version && hint.parts === part.count) continue;
    if (set.some((f) => f.lastModified >= cutoff)) continue; // a run may still be writing it
    out.push(...set.map((f) => f.path));
  }
  return out;
}

/**
 * Top-level v2 checkpoints among `checkpoints` (with the sidecars each names) that are older
 * than `cutoff`, name a sidecar missing from `sidecarNames`, and are neither the cutoff
 * checkpoint nor the version `_last_checkpoint` names.
 */
export function brokenV2Checkpoints(
  checkpoints: readonly { file: CheckpointFile; sidecars: readonly Sidecar[] }[],
  sidecarNames: ReadonlySet<string>,
  cutoff: number,
  cutoffCheckpoint: CheckpointRef,
  hint: LastCheckpointHint | undefined,
): CheckpointFile[] {
  const kept = new Set(cutoffCheckpoint.files.map((f) => f.path));
  return checkpoints
    .filter(({ file, sidecars }) => {
      if (!file.uuid || kept.has(file.path) || file.lastModified >= cutoff) return false;
      if (hint && hint.version === file.version) return false;
      return sidecars.some((s) => !sidecarNames.has(baseName(decodeUriPath(s.path))));
    })
    .map(({ file }) => file);
}
