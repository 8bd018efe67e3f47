/**
 * Field-level checks of each log action (protocol section "Actions"), returning a typed copy for
 * replay, or undefined when a required field is unusable. Used for commit lines and checkpoint rows
 * alike: in checkpoints absent optional fields are nulls, so null counts as absent.
 */
import { isAbsent, isInt, isObject, show, type JsonObject } from './json.js';
import type { Problems } from './problems.js';

export const ACTION_KEYS = [
  'protocol',
  'metaData',
  'add',
  'remove',
  'cdc',
  'txn',
  'commitInfo',
  'domainMetadata',
  'checkpointMetadata',
  'sidecar',
] as const;
export type ActionKey = (typeof ACTION_KEYS)[number];

export interface DeletionVector {
  storageType: string;
  pathOrInlineDv: string;
  offset?: number;
  sizeInBytes: number;
  cardinality: number;
}

export interface AddAction {
  path: string;
  partitionValues: Record<string, string | null>;
  size: number;
  modificationTime: number;
  dataChange: boolean;
  stats?: string;
  deletionVector?: DeletionVector;
  baseRowId?: number;
}

export interface RemoveAction {
  path: string;
  dataChange: boolean;
  deletionTimestamp?: number;
  deletionVector?: DeletionVector;
}

export interface ProtocolAction {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures?: string[];
  writerFeatures?: string[];
}

export interface MetadataAction {
  id: string;
  provider: string;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
}

export interface TxnAction {
  appId: string;
  version: number;
}

export interface DomainAction {
  domain: string;
  configuration: string;
  removed: boolean;
}

export interface SidecarAction {
  path: string;
  sizeInBytes: number;
}

class Checker {
  constructor(
    readonly action: string,
    readonly obj: JsonObject,
    readonly where: string,
    readonly problems: Problems,
  ) {}
  ok = true;

  private bad(field: string, want: string): void {
    this.ok = false;
    this.problems.error(this.where, `${this.action}.${field} must be ${want}, got ${show(this.obj[field])}`);
  }
  str(field: string, nonEmpty = false): string {
    const v = this.obj[field];
    if (typeof v !== 'string' || (nonEmpty && v === '')) this.bad(field, nonEmpty ? 'a non-empty string' : 'a string');
    return v as string;
  }
  optStr(field: string): string | undefined {
    const v = this.obj[field];
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'string') this.bad(field, 'a string when present');
    return v as string;
  }
  int(field: string, min = Number.MIN_SAFE_INTEGER): number {
    const v = this.obj[field];
    if (!isInt(v) || v < min) this.bad(field, min === 0 ? 'an integer >= 0' : 'an integer');
    return v as number;
  }
  optInt(field: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
    const v = this.obj[field];
    if (isAbsent(v)) return undefined;
    if (!isInt(v) || v < min) this.bad(field, 'an integer when present');
    return v as number;
  }
  bool(field: string): boolean {
    const v = this.obj[field];
    if (typeof v !== 'boolean') this.bad(field, 'a boolean');
    return v as boolean;
  }
  optBool(field: string): boolean | undefined {
    const v = this.obj[field];
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'boolean') this.bad(field, 'a boolean when present');
    return v as boolean;
  }
  /** Map<String,String>; `nullValues` allows JSON null values (partitionValues, tags). */
  stringMap(field: string, required: boolean, nullValues: boolean): Record<string, string | null> | undefined {
    const v = this.obj[field];
    if (isAbsent(v)) {
      if (required) this.bad(field, 'a JSON object of strings');
      return undefined;
    }
    if (!isObject(v)) {
      this.bad(field, 'a JSON object of strings');
      return undefined;
    }
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' || (nullValues && x === null)) continue;
      this.ok = false;
      this.problems.error(
        this.where,
        `${this.action}.${field}["${k}"] must be a string${nullValues ? ' or null' : ''}, got ${show(x)}`,
      );
    }
    return v as Record<string, string | null>;
  }
  stringArray(field: string, required: boolean): string[] | undefined {
    const v = this.obj[field];
    if (isAbsent(v) && !required) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      this.bad(field, 'an array of strings');
      return undefined;
    }
    return v as string[];
  }
}

function deletionVector(c: Checker): DeletionVector | undefined {
  const v = c.obj.deletionVector;
  if (isAbsent(v)) return undefined;
  if (!isObject(v)) {
    c.problems.error(c.where, `${c.action}.deletionVector must be an object, got ${show(v)}`);
    c.ok = false;
    return undefined;
  }
  const d = new Checker(`${c.action}.deletionVector`, v, c.where, c.problems);
  const storageType = d.str('storageType');
  if (typeof storageType === 'string' && !['u', 'i', 'p'].includes(storageType)) {
    c.problems.error(
      c.where,
      `${c.action}.deletionVector.storageType must be 'u', 'i' or 'p', got ${show(storageType)}`,
    );
    d.ok = false;
  }
  const dv: DeletionVector = {
    storageType,
    pathOrInlineDv: d.str('pathOrInlineDv', true),
    offset: d.optInt('offset', 0),
    sizeInBytes: d.int('sizeInBytes', 0),
    cardinality: d.int('cardinality', 0),
  };
  if (storageType === 'i' && dv.offset !== undefined) {
    c.problems.error(c.where, `${c.action}.deletionVector.offset must be absent for inline ('i') deletion vectors`);
  }
  if (!d.ok) c.ok = false;
  return d.ok ? dv : undefined;
}

/** add action; see "Add File and Remove File". */
export function checkAdd(obj: JsonObject, where: string, problems: Problems): AddAction | undefined {
  const c = new Checker('add', obj, where, problems);
  const add: AddAction = {
    path: c.str('path', true),
    partitionValues: c.stringMap('partitionValues', true, true) ?? {},
    size: c.int('size', 0),
    modificationTime: c.int('modificationTime'),
    dataChange: c.bool('dataChange'),
    stats: c.optStr('stats'),
    deletionVector: deletionVector(c),
    baseRowId: c.optInt('baseRowId', 0),
  };
  c.stringMap('tags', false, true);
  c.optInt('defaultRowCommitVersion', 0);
  c.optStr('clusteringProvider');
  return c.ok ? add : undefined;
}

/** remove action. deletionTimestamp is optional in the protocol but every mainstream writer sets it. */
export function checkRemove(obj: JsonObject, where: string, problems: Problems): RemoveAction | undefined {
  const c = new Checker('remove', obj, where, problems);
  const remove: RemoveAction = {
    path: c.str('path', true),
    dataChange: c.bool('dataChange'),
    deletionTimestamp: c.optInt('deletionTimestamp'),
    deletionVector: deletionVector(c),
  };
  if (remove.deletionTimestamp === undefined) {
    problems.warn(
      where,
      'remove.deletionTimestamp is missing (optional in the protocol, but VACUUM needs it to expire tombstones)',
    );
  }
  c.optBool('extendedFileMetadata');
  c.stringMap('partitionValues', false, true);
  c.optInt('size', 0);
  c.optStr('stats');
  c.stringMap('tags', false, true);
  return c.ok ? remove : undefined;
}

/** protocol action field types (feature rules live in protocol-rules.ts). */
export function checkProtocol(obj: JsonObject, where: string, problems: Problems): ProtocolAction | undefined {
  const c = new Checker('protocol', obj, where, problems);
  const p: ProtocolAction = {
    minReaderVersion: c.int('minReaderVersion', 1),
    minWriterVersion: c.int('minWriterVersion', 1),
    readerFeatures: c.stringArray('readerFeatures', false),
    writerFeatures: c.stringArray('writerFeatures', false),
  };
  return c.ok ? p : undefined;
}

/** metaData action field types (schema and partition rules live in table-meta.ts). */
export function checkMetadata(obj: JsonObject, where: string, problems: Problems): MetadataAction | undefined {
  const c = new Checker('metaData', obj, where, problems);
  const id = c.str('id', true);
  c.optStr('name');
  c.optStr('description');
  c.optInt('createdTime');
  let provider = '';
  if (!isObject(obj.format)) {
    problems.error(
      where,
      `metaData.format must be an object {"provider":"parquet","options":{}}, got ${show(obj.format)}`,
    );
    c.ok = false;
  } else {
    const f = new Checker('metaData.format', obj.format, where, problems);
    provider = f.str('provider');
    f.stringMap('options', false, true);
    if (!f.ok) c.ok = false;
    else if (provider !== 'parquet')
      problems.error(where, `metaData.format.provider must be 'parquet', got ${show(provider)}`);
  }
  const md: MetadataAction = {
    id,
    provider,
    schemaString: c.str('schemaString'),
    partitionColumns: c.stringArray('partitionColumns', true) ?? [],
    configuration: (c.stringMap('configuration', true, false) ?? {}) as Record<string, string>,
  };
  return c.ok ? md : undefined;
}

/** txn action. */
export function checkTxn(obj: JsonObject, where: string, problems: Problems): TxnAction | undefined {
  const c = new Checker('txn', obj, where, problems);
  const t = { appId: c.str('appId', true), version: c.int('version') };
  c.optInt('lastUpdated');
  return c.ok ? t : undefined;
}

/** cdc action. */
export function checkCdc(obj: JsonObject, where: string, problems: Problems): void {
  const c = new Checker('cdc', obj, where, problems);
  c.str('path', true);
  c.stringMap('partitionValues', true, true);
  c.int('size', 0);
  if (c.bool('dataChange') === true) problems.warn(where, 'cdc.dataChange should always be false');
  c.stringMap('tags', false, true);
}

/** domainMetadata action. */
export function checkDomain(obj: JsonObject, where: string, problems: Problems): DomainAction | undefined {
  const c = new Checker('domainMetadata', obj, where, problems);
  const d = { domain: c.str('domain', true), configuration: c.str('configuration'), removed: c.bool('removed') };
  return c.ok ? d : undefined;
}

/** commitInfo: free-form per the protocol; we check the fields engines rely on when present. */
export function checkCommitInfo(obj: JsonObject, where: string, problems: Problems): void {
  if (!('timestamp' in obj)) problems.warn(where, 'commitInfo.timestamp is missing (history and time travel use it)');
  else if (!isInt(obj.timestamp))
    problems.error(where, `commitInfo.timestamp must be an integer (ms since epoch), got ${show(obj.timestamp)}`);
  if ('operation' in obj && typeof obj.operation !== 'string') {
    problems.error(where, `commitInfo.operation must be a string, got ${show(obj.operation)}`);
  }
  if ('inCommitTimestamp' in obj && !isInt(obj.inCommitTimestamp)) {
    problems.error(where, `commitInfo.inCommitTimestamp must be an integer, got ${show(obj.inCommitTimestamp)}`);
  }
}

/** checkpointMetadata (v2 checkpoints only). */
export function checkCheckpointMetadata(obj: JsonObject, where: string, problems: Problems): number | undefined {
  const c = new Checker('checkpointMetadata', obj, where, problems);
  const v = c.int('version', 0);
  c.stringMap('tags', false, true);
  return c.ok ? v : undefined;
}

/** sidecar (v2 checkpoints only). */
export function checkSidecar(obj: JsonObject, where: string, problems: Problems): SidecarAction | undefined {
  const c = new Checker('sidecar', obj, where, problems);
  const s = { path: c.str('path', true), sizeInBytes: c.int('sizeInBytes', 0) };
  c.int('modificationTime');
  c.stringMap('tags', false, true);
  return c.ok ? s : undefined;
}

/** The derived DV unique id (`<storageType><pathOrInlineDv>[@<offset>]`), '' without a DV. */
export function dvUniqueId(dv: DeletionVector | undefined): string {
  if (!dv) return '';
  return dv.offset === undefined
    ? `${dv.storageType}${dv.pathOrInlineDv}`
    : `${dv.storageType}${dv.pathOrInlineDv}@${dv.offset}`;
}
