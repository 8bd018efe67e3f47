/**
 * Names of files in `_delta_log` and what they mean. Pure string logic, no I/O.
 */

export const LOG_DIR = '_delta_log';
export const LAST_CHECKPOINT = `${LOG_DIR}/_last_checkpoint`;
export const SIDECAR_DIR = `${LOG_DIR}/_sidecars`;

export type LogFile =
  | { kind: 'commit'; version: number; path: string; size: number; lastModified: number }
  | {
      kind: 'checkpoint';
      version: number;
      path: string;
      size: number;
      lastModified: number;
      part?: { index: number; count: number };
      uuid?: string;
      format: 'parquet' | 'json';
    }
  | { kind: 'compacted'; version: number; endVersion: number; path: string; size: number; lastModified: number }
  /** A version checksum, `N.crc` (PROTOCOL.md "Version Checksum File"). */
  | { kind: 'checksum'; version: number; path: string; size: number; lastModified: number };

export function versionPrefix(version: number): string {
  return String(version).padStart(20, '0');
}

export function commitPath(version: number): string {
  return `${LOG_DIR}/${versionPrefix(version)}.json`;
}

export function classicCheckpointPath(version: number): string {
  return `${LOG_DIR}/${versionPrefix(version)}.checkpoint.parquet`;
}

const COMMIT_RE = /^(\d{20})\.json$/;
const CLASSIC_CP_RE = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_CP_RE = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const UUID_CP_RE = /^(\d{20})\.checkpoint\.([0-9a-fA-F-]{36})\.(json|parquet)$/;
const COMPACTED_RE = /^(\d{20})\.(\d{20})\.compacted\.json$/;
const CHECKSUM_RE = /^(\d{20})\.crc$/;

/** Classify a `_delta_log/<name>` key, or null for anything else (_last_checkpoint, tmp, Hadoop's `.*.crc`). */
export function parseLogFile(meta: { path: string; size: number; lastModified: number }): LogFile | null {
  const name = meta.path.slice(meta.path.lastIndexOf('/') + 1);
  const base = { path: meta.path, size: meta.size, lastModified: meta.lastModified };
  let m = COMMIT_RE.exec(name);
  if (m) return { kind: 'commit', version: Number(m[1]), ...base };
  m = CLASSIC_CP_RE.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), format: 'parquet', ...base };
  m = MULTI_CP_RE.exec(name);
  if (m) {
    return {
      kind: 'checkpoint',
      version: Number(m[1]),
      format: 'parquet',
      part: { index: Number(m[2]), count: Number(m[3]) },
      ...base,
    };
  }
  m = UUID_CP_RE.exec(name);
  if (m) return { kind: 'checkpoint', version: Number(m[1]), uuid: m[2], format: m[3] as 'json' | 'parquet', ...base };
  m = COMPACTED_RE.exec(name);
  if (m) return { kind: 'compacted', version: Number(m[1]), endVersion: Number(m[2]), ...base };
  m = CHECKSUM_RE.exec(name);
  if (m) return { kind: 'checksum', version: Number(m[1]), ...base };
  return null;
}
