/**
 * Random directory prefixes for the files we write (`ab/part-...parquet`, `ab/deletion_vector_...bin`),
 * as Delta Spark and delta-rs make them: letters and digits, drawn from the engine's id source
 * so tests can pin them.
 */
import type { IdSource } from '../util/ids.js';

const PREFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters (default 2), each from 32 bits of a fresh id. */
export function randomPrefix(ids: IdSource, length = 2): string {
  let p = '';
  while (p.length < length) {
    const hex = ids.uuid().replace(/-/g, '');
    for (let i = 0; i + 8 <= hex.length && p.length < length; i += 8)
      p += PREFIX_CHARS[parseInt(hex.slice(i, i + 8), 16) % PREFIX_CHARS.length];
  }
  return p;
}
