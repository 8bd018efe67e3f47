/**
 * Per-file statistics (appendix "Per-file Statistics"): JSON shape against the table schema, and
 * the list of leaf columns whose recorded values can be compared with the data.
 */
import type { DeltaField, DeltaType, PrimitiveName } from './delta-schema.js';
import { isInt, isObject, show, type JsonObject } from './json.js';
import type { Problems } from './problems.js';
import { parseDateDays, parseTimestampMicros } from './values.js';

export interface FileStats {
  numRecords?: number;
  tightBounds: boolean;
  minValues: JsonObject;
  maxValues: JsonObject;
  nullCount: JsonObject;
}

/** One column with recorded stats; `path` uses physical names. */
export interface LeafStats {
  path: string[];
  type: DeltaType;
  min: unknown;
  max: unknown;
  nullCount: unknown;
}

/** Parses add.stats; undefined when it is not a JSON object (reported). */
export function parseStats(text: string, where: string, problems: Problems): FileStats | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    problems.error(where, `add.stats is not valid JSON (${(e as Error).message}): ${show(text)}`);
    return undefined;
  }
  if (!isObject(json)) {
    problems.error(where, `add.stats must be a JSON object, got ${show(json)}`);
    return undefined;
  }
  const s: FileStats = { tightBounds: true, minValues: {}, maxValues: {}, nullCount: {} };
  if ('numRecords' in json) {
    if (!isInt(json.numRecords) || json.numRecords < 0)
      problems.error(where, `stats.numRecords must be an integer >= 0, got ${show(json.numRecords)}`);
    else s.numRecords = json.numRecords;
  }
  if ('tightBounds' in json) {
    if (typeof json.tightBounds !== 'boolean')
      problems.error(where, `stats.tightBounds must be a boolean, got ${show(json.tightBounds)}`);
    else s.tightBounds = json.tightBounds;
  }
  for (const k of ['minValues', 'maxValues', 'nullCount'] as const) {
    const v = json[k];
    if (v === undefined || v === null) continue;
    if (!isObject(v)) problems.error(where, `stats.${k} must be an object, got ${show(v)}`);
    else s[k] = v;
  }
  return s;
}

/** Checks stats keys name (physical) columns and values have the column's JSON type; returns the leaves. */
export function checkStatsShape(
  stats: FileStats,
  fields: DeltaField[],
  where: string,
  problems: Problems,
): LeafStats[] {
  const leaves = new Map<string, LeafStats>();
  const leaf = (path: string[], type: DeltaType): LeafStats => {
    const key = JSON.stringify(path);
    let l = leaves.get(key);
    if (!l) leaves.set(key, (l = { path, type, min: undefined, max: undefined, nullCount: undefined }));
    return l;
  };
  const walk = (
    obj: JsonObject,
    fs: DeltaField[],
    prefix: string[],
    kind: 'minValues' | 'maxValues' | 'nullCount',
  ): void => {
    for (const [key, value] of Object.entries(obj)) {
      const path = [...prefix, key];
      const at = `stats.${kind}.${path.join('.')}`;
      const f = fs.find((x) => x.physicalName === key);
      if (!f) {
        problems.error(
          where,
          `${at} names no column of the table schema (stats use physical names: ${fs.map((x) => x.physicalName).join(', ')})`,
        );
        continue;
      }
      if (f.type.kind === 'struct') {
        if (isObject(value)) walk(value, f.type.fields, path, kind);
        else if (!(kind === 'nullCount' && isInt(value)))
          problems.error(where, `${at} must be an object mirroring struct column ${f.name}, got ${show(value)}`);
        continue;
      }
      if (kind === 'nullCount') {
        if (!isInt(value) || value < 0) problems.error(where, `${at} must be an integer >= 0, got ${show(value)}`);
        else if (stats.numRecords !== undefined && value > stats.numRecords) {
          problems.error(where, `${at} = ${value} exceeds numRecords ${stats.numRecords}`);
        }
        leaf(path, f.type).nullCount = value;
        continue;
      }
      if (f.type.kind !== 'primitive') {
        problems.warn(where, `${at}: min/max statistics on a ${f.type.kind} column are not defined by the protocol`);
        continue;
      }
      const problem = value === null ? undefined : statValueProblem(value, f.type.name);
      if (problem) problems.error(where, `${at} ${problem}, got ${show(value)}`);
      else if (kind === 'minValues') leaf(path, f.type).min = value;
      else leaf(path, f.type).max = value;
    }
  };
  walk(stats.minValues, fields, [], 'minValues');
  walk(stats.maxValues, fields, [], 'maxValues');
  walk(stats.nullCount, fields, [], 'nullCount');
  return [...leaves.values()];
}

function statValueProblem(v: unknown, t: PrimitiveName): string | undefined {
  switch (t) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return isInt(v) ? undefined : 'must be an integer';
    case 'float':
    case 'double':
      return typeof v === 'number' || v === 'NaN' || v === 'Infinity' || v === '-Infinity'
        ? undefined
        : 'must be a number';
    case 'decimal':
      return typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v))
        ? undefined
        : 'must be a decimal number';
    case 'string':
      return typeof v === 'string' ? undefined : 'must be a string';
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'must be a boolean';
    case 'date':
      return typeof v === 'string' && parseDateDays(v) !== undefined ? undefined : "must be a date string 'YYYY-MM-DD'";
    case 'timestamp':
    case 'timestamp_ntz':
      return typeof v === 'string' && parseTimestampMicros(v) !== undefined
        ? undefined
        : 'must be an ISO 8601 timestamp string';
    default:
      return undefined;
  }
}
