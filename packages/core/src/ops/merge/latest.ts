/**
 * The last change per key of a batch of changes (the change-stream route's source before its
 * MERGE): per key, the row with the highest sequence wins; equal or missing sequences fall
 * back to row order (the later row wins, as the change file lists changes in commit order).
 * Rows whose key has a NULL are kept apart: they can never match, and are returned as is.
 */
import { keyOf, type KeyValue } from './keys.js';

/** A change's sequence: a number, a bigint, or a string compared as text (DMS's fixed-width sequences). */
export type Sequence = number | bigint | string | null | undefined;

function newer(a: Sequence, b: Sequence): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  return a > b;
}

/** Row indexes, ascending, of the row that wins for each key (and of every row with a NULL key). */
export function lastChangePerKey(
  numRows: number,
  keyAt: (row: number) => readonly KeyValue[],
  sequenceAt: (row: number) => Sequence = () => undefined,
): number[] {
  const winner = new Map<string, number>();
  const out: number[] = [];
  for (let i = 0; i < numRows; i++) {
    const k = keyOf(keyAt(i));
    if (k === undefined) {
      out.push(i);
      continue;
    }
    const held = winner.get(k);
    if (held === undefined || !newer(sequenceAt(held), sequenceAt(i))) winner.set(k, i);
  }
  out.push(...winner.values());
  return out.sort((a, b) => a - b);
}
