/**
 * Lite VACUUM candidates, from the log alone: files of tombstones older than the cutoff and
 * their deletion-vector files, unless a retained entry still uses them (a file removed with
 * one DV and re-added with another keeps its data file; a DV file shared by several data
 * files stays while any of them is retained). Files a checkpoint already dropped the
 * tombstone of are invisible here: full mode finds them.
 */
import type { TableState } from '../../log/replay.js';
import type { VacuumFile } from './types.js';
import { deletionTime, dvFileKey, tableKey, type RetainedFiles } from './retained-files.js';

const DV_FRAMING = 8; // big-endian size before and CRC after each DV in its file

export function liteCandidates(state: TableState, root: string, cutoff: number, retained: RetainedFiles): VacuumFile[] {
  const sizes = new Map<string, number>();
  const isLog = (k: string) => k === '_delta_log' || k.startsWith('_delta_log/');
  for (const rm of state.tombstones.values()) {
    if (deletionTime(rm.deletionTimestamp) >= cutoff) continue;
    const key = tableKey(root, rm.path);
    if (key !== undefined && !isLog(key) && !retained.has(key)) sizes.set(key, Number(rm.size ?? 0) || 0);
    const dv = rm.deletionVector;
    const dvKey = dvFileKey(root, dv);
    if (dv && dvKey !== undefined && !isLog(dvKey) && !retained.has(dvKey)) {
      // The log does not record a DV file's size; its DVs end at least here.
      const end = (Number(dv.offset ?? 1) || 1) + DV_FRAMING + Number(dv.sizeInBytes);
      sizes.set(dvKey, Math.max(sizes.get(dvKey) ?? 0, end));
    }
  }
  return [...sizes].map(([path, size]) => ({ path, size }));
}
