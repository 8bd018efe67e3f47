/**
 * Full VACUUM candidates: list the whole table directory and take every file that is not
 * hidden (hidden-paths.ts), not retained, and last modified before the cutoff. Younger
 * untracked files are kept: they may belong to a writer that has not committed yet.
 */
import type { ObjectStore } from '../../storage/object-store.js';
import type { RetainedFiles } from './retained-files.js';
import type { VacuumFile, VacuumProgress } from './types.js';

const PROGRESS_EVERY = 1000;

export interface FullCandidates {
  candidates: VacuumFile[];
  /** Distinct directories listed, the root included (Spark's numVacuumedDirectories). */
  directories: number;
  objectsListed: number;
}

export async function fullCandidates(
  store: ObjectStore,
  isHidden: (key: string) => boolean,
  cutoff: number,
  retained: RetainedFiles,
  onProgress?: (p: VacuumProgress) => void,
): Promise<FullCandidates> {
  const candidates: VacuumFile[] = [];
  const dirs = new Set<string>();
  let listed = 0;
  for await (const meta of store.list('', { recursive: true })) {
    if (++listed % PROGRESS_EVERY === 0) onProgress?.({ phase: 'list', done: listed });
    const key = meta.path;
    if (isHidden(key)) continue;
    for (let i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) dirs.add(key.slice(0, i));
    if (retained.has(key) || meta.lastModified >= cutoff) continue;
    candidates.push({ path: key, size: meta.size });
  }
  onProgress?.({ phase: 'list', done: listed });
  return { candidates, directories: dirs.size + 1, objectsListed: listed };
}
