/**
 * The files VACUUM must keep: every file of the current version and every file removed at or
 * after the cutoff (versions inside the retention window still read them), with their
 * deletion-vector files. Keys are relative to the table root; files outside it are never
 * deleted, so they need no entry.
 */
import type { DeletionVectorDescriptor } from '../../protocol/actions.js';
import { deletionVectorRelativePath } from '../../protocol/deletion-vectors/descriptor.js';
import { resolveLogPath } from '../../protocol/paths.js';
import type { TableState } from '../../log/replay.js';

const DV_NAME_RE = /deletion_vector_[0-9a-fA-F-]{36}\.bin$/;

/**
 * Store key of a file named in the log, or undefined when it lies outside the table root
 * (absolute URIs elsewhere: shallow clones, imported files). Those are never deleted: other
 * tables or their owners may still use them.
 */
export function tableKey(root: string, logPath: string): string | undefined {
  const r = resolveLogPath(root, logPath);
  return 'key' in r ? r.key : undefined;
}

/** Key of the file holding a DV: derived for `u`, resolved for `p`, none for inline `i`. */
export function dvFileKey(root: string, dv: DeletionVectorDescriptor | null | undefined): string | undefined {
  if (!dv) return undefined;
  if (dv.storageType === 'u') return deletionVectorRelativePath(dv) ?? undefined;
  if (dv.storageType === 'p') return tableKey(root, dv.pathOrInlineDv);
  return undefined;
}

/**
 * `dir/deletion_vector_<uuid>.bin` for a DV file key, ignoring a name prefix the log does not
 * record (Delta Spark's test setting writes `test%dv%prefix-deletion_vector_...`, and readers
 * find such files by UUID): a prefixed file of a retained DV must be kept too.
 */
export function dvMatchKey(key: string): string | undefined {
  const m = DV_NAME_RE.exec(key);
  if (!m) return undefined;
  const slash = key.lastIndexOf('/');
  return `${slash >= 0 ? key.slice(0, slash + 1) : ''}${m[0]}`;
}

export class RetainedFiles {
  private readonly keys = new Set<string>();
  private readonly dvNames = new Set<string>();

  add(key: string | undefined): void {
    if (key === undefined) return;
    this.keys.add(key);
    const dv = dvMatchKey(key);
    if (dv) this.dvNames.add(dv);
  }

  has(key: string): boolean {
    if (this.keys.has(key)) return true;
    const dv = dvMatchKey(key);
    return dv !== undefined && this.dvNames.has(dv);
  }

  get size(): number {
    return this.keys.size;
  }
}

/** Deletion time of a tombstone; a missing one counts as expired (as Delta Spark's 0 default). */
export function deletionTime(ts: number | null | undefined): number {
  return Number(ts ?? 0) || 0; // checkpoints may hand over a bigint-like value
}

/** Everything a version inside the retention window may read. */
export function retainedFiles(state: TableState, root: string, cutoff: number): RetainedFiles {
  const out = new RetainedFiles();
  for (const add of state.files.values()) {
    out.add(tableKey(root, add.path));
    out.add(dvFileKey(root, add.deletionVector));
  }
  for (const rm of state.tombstones.values()) {
    if (deletionTime(rm.deletionTimestamp) < cutoff) continue;
    out.add(tableKey(root, rm.path));
    out.add(dvFileKey(root, rm.deletionVector));
  }
  return out;
}
