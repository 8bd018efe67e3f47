/**
 * Paths in the log. `add.path` is a URI reference: relative to the table root, or absolute
 * (`s3://...`, `file:/...`). Partition directories are Hive-escaped (`%XX`), and the URI
 * escapes that again, so `a=11:11` -> dir `a=11%3A11` -> `add.path` `a=11%253A11/...`.
 */

/** Characters Hive escapes in partition directory names (as Spark's ExternalCatalogUtils). */
const HIVE_ESCAPE = new Set<number>([
  ...Array.from({ length: 0x20 }, (_, i) => i),
  0x7f,
  ...'"#%\'*/:=?\\{[]^'.split('').map((c) => c.charCodeAt(0)),
]);

export const HIVE_DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

/** Escape a partition column name or value for a directory name. */
export function escapePartitionComponent(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += c < 0x80 && HIVE_ESCAPE.has(c) ? `%${c.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

export function unescapePartitionComponent(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Directory for a file's partition values, e.g. `country=NZ/day=2024-01-01`. */
export function partitionDirectory(columns: readonly string[], values: Record<string, string | null>): string {
  return columns
    .map((c) => {
      const v = values[c];
      return `${escapePartitionComponent(c)}=${v === null || v === undefined || v === '' ? HIVE_DEFAULT_PARTITION : escapePartitionComponent(v)}`;
    })
    .join('/');
}

/**
 * Encode a store key (relative path) as a URI path for `add.path`. Only characters that are
 * not allowed in a URI path are escaped (like java.net.URI's multi-argument constructor),
 * so `%` from Hive escaping becomes `%25`.
 */
export function encodePathForLog(key: string): string {
  return key
    .split('/')
    .map((seg) =>
      encodeURIComponent(seg)
        .replace(/%3D/g, '=')
        .replace(/%3A/g, ':')
        .replace(/%40/g, '@')
        .replace(/%2B/g, '+')
        .replace(/%2C/g, ',')
        .replace(/%24/g, '$')
        .replace(/%26/g, '&')
        .replace(/%3B/g, ';'),
    )
    .join('/');
}

/** True for `scheme:...` paths (absolute URIs) and rooted paths. */
export function isAbsolutePath(path: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || path.startsWith('/');
}

/** Decode a URI-encoded path, tolerating stray `%` (some writers do not escape it). */
export function decodeUriPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

/**
 * Canonical form of a log path, used to match adds and removes that name the same file
 * differently (`/a%20b`, `file:/a%20b`, `file:///a b`): decoded, with `file:` schemes
 * normalised to `file:///`.
 */
export function canonicalLogPath(path: string): string {
  // Fast path for the common relative path with nothing to decode or qualify.
  if (!path.includes('%') && !path.includes(':') && path.charCodeAt(0) !== 47 /* / */) return path;
  let p = decodeUriPath(path);
  if (p.startsWith('file:')) p = p.replace(/^file:\/*/, '/');
  if (p.startsWith('/')) return `file://${p}`;
  return p;
}

/**
 * Resolve a log path against the table root URI. Returns a key relative to the root when
 * the file lies under it, else the absolute URI (decoded).
 */
export function resolveLogPath(tableRoot: string, path: string): { key: string } | { uri: string } {
  if (!isAbsolutePath(path)) return { key: decodeUriPath(path) };
  const canonical = canonicalLogPath(path);
  const root = canonicalLogPath(tableRoot.endsWith('/') ? tableRoot : `${tableRoot}/`);
  if (canonical.startsWith(root)) return { key: canonical.slice(root.length) };
  return { uri: canonical };
}
