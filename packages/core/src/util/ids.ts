/**
 * Where the engine gets unique ids: table ids, data file names, column-mapping physical names,
 * transaction ids. Tests that assert file names use `sequentialIds()`.
 */
import { randomUUID } from 'node:crypto';

export interface IdSource {
  /** A new UUID in the canonical 8-4-4-4-12 lower-case hex form. */
  uuid(): string;
}

/** Random (version 4) UUIDs from node:crypto, the default. */
export const randomIds: IdSource = { uuid: () => randomUUID() };

/**
 * Deterministic UUIDs: `00000000-0000-4000-8000-000000000001`, `...0002`, ... (valid version 4
 * form, so nothing downstream can tell them apart from random ones). `first` is the first
 * counter value.
 */
export function sequentialIds(first = 1): IdSource {
  let n = first;
  return { uuid: () => `00000000-0000-4000-8000-${(n++).toString(16).padStart(12, '0')}` };
}
