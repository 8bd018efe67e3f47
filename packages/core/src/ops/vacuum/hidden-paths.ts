/**
 * Which listed objects full VACUUM must never touch (as Delta Spark's isHiddenDirectory):
 * anything under a file or directory whose name starts with `_` or `.` (the log, `_SUCCESS`,
 * checksum files, other tools' metadata), except `_change_data` (change data files expire
 * like data files) and partition directories whose column name starts with `_`
 * (`_col=value`). A top-level-or-nested `metadata` directory (UniForm's Iceberg metadata) is
 * hidden as well.
 */
import { escapePartitionComponent } from '../../protocol/paths.js';

/** A predicate over keys relative to the table root: true = never vacuum. */
export function hiddenPathFilter(partitionColumns: readonly string[]): (key: string) => boolean {
  const partitionPrefixes = [...new Set(partitionColumns.flatMap((c) => [`${c}=`, `${escapePartitionComponent(c)}=`]))];
  const hiddenName = (name: string): boolean =>
    name === 'metadata' ||
    ((name.startsWith('_') || name.startsWith('.')) &&
      !name.startsWith('_change_data') &&
      !partitionPrefixes.some((p) => name.startsWith(p)));
  return (key) => {
    if (key === '_delta_log' || key.startsWith('_delta_log/')) return true; // never, whatever the names
    let start = 0;
    for (;;) {
      const slash = key.indexOf('/', start);
      const name = slash < 0 ? key.slice(start) : key.slice(start, slash);
      if (hiddenName(name)) return true;
      if (slash < 0) return false;
      start = slash + 1;
    }
  };
}
