/**
 * Serialise `_delta_log/_last_checkpoint` with the optional `checksum` field: the MD5 of the
 * canonical form of the JSON (PROTOCOL.md "JSON checksum"): every leaf as `path=value`, names
 * quoted and URL-encoded, array positions bare, pairs sorted by path and joined by commas.
 */
import { createHash } from 'node:crypto';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Percent-encode every octet except A-Z a-z 0-9 - . _ ~ (uppercase hex). */
export function strictUrlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The canonical form the checksum is computed over (top-level `checksum` excluded). */
export function canonicalizeJson(value: { [k: string]: Json }): string {
  const pairs: [string, string][] = [];
  const visit = (v: Json, path: string): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, path ? `${path}+${i}` : String(i)));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        const name = `"${strictUrlEncode(k)}"`;
        visit(item, path ? `${path}+${name}` : name);
      }
    } else {
      pairs.push([path, typeof v === 'string' ? `"${strictUrlEncode(v)}"` : String(v)]);
    }
  };
  for (const [k, item] of Object.entries(value)) {
    if (k !== 'checksum') visit(item, `"${strictUrlEncode(k)}"`);
  }
  // Paths are ASCII after encoding, so UTF-16 order is byte order.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map(([p, v]) => `${p}=${v}`).join(',');
}

/** MD5 hex digest of the canonical form. */
export function lastCheckpointChecksum(value: { [k: string]: Json }): string {
  return createHash('md5').update(canonicalizeJson(value), 'utf8').digest('hex');
}

/** `_last_checkpoint` bytes: the fields in the given order plus `checksum`. */
export function serializeLastCheckpoint(fields: { [k: string]: Json }): Uint8Array {
  const withChecksum = { ...fields, checksum: lastCheckpointChecksum(fields) };
  return new TextEncoder().encode(JSON.stringify(withChecksum));
}

export type { Json as LastCheckpointJson };
