/**
 * VACUUM's plan: which files to delete. Data files (and deletion-vector files) no version
 * inside the retention window references: `lite` takes them from the log's tombstones (no
 * I/O); `full` lists the table directory and also finds untracked files (failed writes,
 * change data) older than the cutoff. The plan is JSON; a dry run returns it as the result.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { fullCandidates } from './candidates-full.js';
import { liteCandidates } from './candidates-lite.js';
import { hiddenPathFilter } from './hidden-paths.js';
import { retainedFiles } from './retained-files.js';
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
}

/** Plan the VACUUM of `latest` (the table's latest snapshot). */
export async function planVacuum(latest: Snapshot, options: VacuumOptions = {}): Promise<VacuumPlan> {
  const mode = options.mode ?? 'lite';
  if (mode !== 'lite' && mode !== 'full')
    throw new InvalidArgumentError(`VACUUM mode must be 'lite' or 'full', got ${JSON.stringify(mode)}`);
  const now = options.now ?? latest.engine.clock.now();
  const retention = planRetention(latest.properties, { ...options, now });
  const root = latest.store.root;
  const retained = retainedFiles(latest.state, root, retention.cutoff);
  let candidates: VacuumFile[];
  let directories: number;
  if (mode === 'lite') {
    candidates = liteCandidates(latest.state, root, retention.cutoff, retained);
    directories = countDirectories(candidates);
  } else {
    const partitionColumns = [...latest.partitionColumns, ...physicalPartitionNames(latest)];
    const full = await fullCandidates(
      latest.store,
      hiddenPathFilter(partitionColumns),
      retention.cutoff,
      retained,
      options.onProgress,
    );
    candidates = full.candidates;
    directories = full.directories;
  }
  candidates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let bytes = 0;
  for (const c of candidates) bytes += c.size;
  return { mode, readVersion: latest.version, retention, candidates, bytes, directories };
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
