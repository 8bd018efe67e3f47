/**
 * VACUUM's plan: which files to delete. Data files (and deletion-vector files) no version
 * inside the retention window references: `lite` takes them from the log's tombstones (and
 * keeps those that still exist: one HEAD each, so a second VACUUM counts nothing); `full`
 * lists the table directory and also finds untracked files (failed writes, change data) older
 * than the cutoff, and the store's incomplete writes (killed writers' temp files, S3
 * multipart uploads) started before it (leftovers.ts). The plan is JSON; a dry run returns it
 * as the result.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { IncompleteWrite } from '../../storage/object-store.js';
import { fullCandidates } from './candidates-full.js';
import { liteCandidates } from './candidates-lite.js';
import { hiddenPathFilter } from './hidden-paths.js';
import { abandonedWrites, existing } from './leftovers.js';
import { retainedFiles, type RetainedFiles } from './retained-files.js';
import { planRetention, type RetentionPlan } from './retention.js';
import type { VacuumFile, VacuumMode, VacuumOptions } from './types.js';

export interface VacuumPlan {
  mode: VacuumMode;
  /** The version planned on (the latest when planning started). */
  readVersion: number;
  retention: RetentionPlan;
  /** Every file to delete, by path, sorted. */
  candidates: VacuumFile[];
  bytes: number;
  /** Directories listed (full) or holding candidates, plus the root (lite). */
  directories: number;
  /** Full mode: incomplete writes started before the cutoff, to discard (sorted by path). */
  leftovers: IncompleteWrite[];
}

type Found = Pick<VacuumPlan, 'candidates' | 'directories' | 'leftovers'>;

/** Plan the VACUUM of `latest` (the table's latest snapshot). */
export async function planVacuum(latest: Snapshot, options: VacuumOptions = {}): Promise<VacuumPlan> {
  const mode = options.mode ?? 'lite';
  if (mode !== 'lite' && mode !== 'full')
    throw new InvalidArgumentError(`VACUUM mode must be 'lite' or 'full', got ${JSON.stringify(mode)}`);
  const now = options.now ?? latest.engine.clock.now();
  const retention = planRetention(latest.properties, { ...options, now });
  const root = latest.store.root;
  const retained = retainedFiles(latest.state, root, retention.cutoff);
  const found =
    mode === 'lite'
      ? await findLite(latest, retention.cutoff, retained)
      : await findFull(latest, retention.cutoff, retained, options);
  const { candidates } = found;
  candidates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let bytes = 0;
  for (const c of candidates) bytes += c.size;
  return { mode, readVersion: latest.version, retention, bytes, ...found };
}

/** Tombstoned files past the cutoff that still exist (an earlier VACUUM may have deleted them). */
async function findLite(latest: Snapshot, cutoff: number, retained: RetainedFiles): Promise<Found> {
  const candidates = await existing(latest.store, liteCandidates(latest.state, latest.store.root, cutoff, retained));
  return { candidates, directories: countDirectories(candidates), leftovers: [] };
}

/** Every unreferenced file of the table directory older than the cutoff, and abandoned incomplete writes. */
async function findFull(
  latest: Snapshot,
  cutoff: number,
  retained: RetainedFiles,
  options: VacuumOptions,
): Promise<Found> {
  const partitionColumns = [...latest.partitionColumns, ...physicalPartitionNames(latest)];
  const hidden = hiddenPathFilter(partitionColumns);
  const full = await fullCandidates(latest.store, hidden, cutoff, retained, options.onProgress);
  const leftovers = await abandonedWrites(latest.store, cutoff);
  return { candidates: full.candidates, directories: full.directories, leftovers };
}

/** Lite mode lists nothing: count the directories holding the files it deletes, plus the root. */
function countDirectories(files: readonly VacuumFile[]): number {
  const dirs = new Set<string>();
  for (const f of files) {
    const slash = f.path.lastIndexOf('/');
    if (slash > 0) dirs.add(f.path.slice(0, slash));
  }
  return dirs.size + 1;
}

/** Partition directory names use physical column names under column mapping. */
function physicalPartitionNames(snapshot: Snapshot): string[] {
  if (snapshot.columnMapping === 'none') return [];
  const out: string[] = [];
  for (const name of snapshot.partitionColumns) {
    const f = snapshot.schema.fields.find((x) => x.name === name);
    const phys = f?.metadata['delta.columnMapping.physicalName'];
    if (typeof phys === 'string') out.push(phys);
  }
  return out;
}
