/** add/remove path rules: URI decoding, location on disk, partition directories and values. */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddAction } from './actions.js';
import type { Problems } from './problems.js';
import type { TableMeta } from './table-meta.js';
import { hiveUnescape, needsHiveEscape, partitionValueProblem } from './values.js';

export interface ResolvedPath {
  /** Key used to match adds with removes: the decoded path, relative to the root when local. */
  canonical: string;
  /** Absolute local file path, or undefined for a non-local URI. */
  local: string | undefined;
  /** Decoded relative path (undefined for absolute URIs). */
  relative: string | undefined;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** Decodes an action path (an RFC 2396 URI); reports malformed ones. */
export function resolvePath(
  root: string,
  raw: string,
  action: string,
  where: string,
  problems: Problems,
): ResolvedPath {
  if (SCHEME.test(raw) && !/^[^/]*=/.test(raw)) {
    if (raw.startsWith('file:')) {
      let local: string;
      try {
        local = fileURLToPath(raw);
      } catch {
        problems.error(where, `${action}.path '${raw}' is not a valid file: URI`);
        return { canonical: raw, local: undefined, relative: undefined };
      }
      const rel = path.relative(root, local);
      const inside = !rel.startsWith('..') && !path.isAbsolute(rel);
      return { canonical: inside ? rel.split(path.sep).join('/') : local, local, relative: undefined };
    }
    problems.warn(where, `${action}.path '${raw}' is an absolute URI outside the local filesystem; not checked`);
    return { canonical: raw, local: undefined, relative: undefined };
  }
  if (raw.startsWith('/'))
    problems.error(
      where,
      `${action}.path '${raw}' must be relative to the table root (or a full URI), not start with '/'`,
    );
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    problems.error(
      where,
      `${action}.path '${raw}' is not a valid URI-encoded path (a '%' not followed by two hex digits: was the Hive-escaped directory name not URI-encoded?)`,
    );
    decoded = raw;
  }
  const segments = decoded.split('/');
  if (segments.includes('..') || segments.includes('.'))
    problems.error(where, `${action}.path '${raw}' must not contain '.' or '..' segments`);
  if (segments.some((s) => s === '') && !raw.startsWith('/'))
    problems.error(where, `${action}.path '${raw}' has an empty path segment`);
  if (/[\s"<>\\^`{|}]/.test(raw) || /%(?![0-9A-Fa-f]{2})/.test(raw)) {
    problems.warn(where, `${action}.path '${raw}' contains characters that RFC 2396 requires to be escaped`);
  }
  return { canonical: decoded, local: path.join(root, ...segments), relative: decoded };
}

/** partitionValues keys, value syntax, and consistency with `col=value/` directories. */
export function checkPartitionValues(
  add: AddAction,
  resolved: ResolvedPath,
  meta: TableMeta,
  where: string,
  problems: Problems,
): void {
  if (!meta.fields) return;
  const expected = meta.partitionFields.map((f) => f.physicalName);
  const keys = Object.keys(add.partitionValues);
  const missing = expected.filter((k) => !keys.includes(k));
  const extra = keys.filter((k) => !expected.includes(k));
  if (missing.length > 0 || extra.length > 0) {
    problems.error(
      where,
      `add.partitionValues keys must be exactly the partition columns${meta.mode === 'none' ? '' : ' (physical names)'} [${expected.join(', ')}], got [${keys.join(', ')}]`,
    );
  }
  for (const f of meta.partitionFields) {
    const v = add.partitionValues[f.physicalName];
    if (typeof v !== 'string') continue;
    const problem = partitionValueProblem(v, f.type);
    if (problem) problems.error(where, `add.partitionValues.${f.physicalName}: ${problem} (${add.path})`);
  }
  if (resolved.relative === undefined) return;
  const dirs = resolved.relative.split('/').slice(0, -1);
  for (const dir of dirs) {
    const eq = dir.indexOf('=');
    if (eq <= 0) continue;
    const key = hiveUnescape(dir.slice(0, eq));
    const f = meta.partitionFields.find((x) => x.physicalName === key || x.name === key);
    if (!f) continue;
    const rawValue = dir.slice(eq + 1);
    const unescaped = rawValue === '__HIVE_DEFAULT_PARTITION__' ? null : hiveUnescape(rawValue);
    const actual = add.partitionValues[f.physicalName];
    const want = actual === '' ? null : actual;
    // A directory another tool named (CONVERT) may spell an integer differently: 0999 is 999.
    const integral =
      f.type.kind === 'primitive' &&
      ['byte', 'short', 'integer', 'long'].includes(f.type.name) &&
      unescaped !== null &&
      want !== null;
    const digits = /^[+-]?\d+$/;
    const sameNumber = integral && digits.test(unescaped) && digits.test(want) && BigInt(unescaped) === BigInt(want);
    if (actual !== undefined && unescaped !== want && !sameNumber) {
      problems.error(
        where,
        `partition directory '${dir}' means ${key}=${JSON.stringify(unescaped)} but add.partitionValues.${f.physicalName} is ${JSON.stringify(actual)} (${add.path}); ` +
          'directory values are Hive-escaped (%XX, null -> __HIVE_DEFAULT_PARTITION__) and then URI-encoded in add.path',
      );
    }
    const unescapedChars = [...new Set(rawValue)].filter((ch) => ch !== '%' && needsHiveEscape(ch));
    if (unescapedChars.length > 0) {
      problems.error(
        where,
        `partition directory '${dir}' must Hive-escape ${unescapedChars.map((c) => JSON.stringify(c)).join(', ')} as %XX (${add.path})`,
      );
    }
  }
}
