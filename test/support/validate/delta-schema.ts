/**
 * Parses and checks a metaData.schemaString against the protocol's Schema Serialization Format,
 * independently of the engine's schema code.
 */
import { isInt, isObject, show } from './json.js';
import type { Problems } from './problems.js';

export type PrimitiveName =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'decimal'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  | 'variant'
  | 'void';

export type DeltaType =
  | { kind: 'primitive'; name: PrimitiveName; precision?: number; scale?: number }
  | { kind: 'struct'; fields: DeltaField[] }
  | { kind: 'array'; element: DeltaType }
  | { kind: 'map'; key: DeltaType; value: DeltaType };

export interface DeltaField {
  name: string;
  /** Name in data files, stats and partitionValues (the logical name unless column mapping is on). */
  physicalName: string;
  /** delta.columnMapping.id, when present. */
  id?: number;
  type: DeltaType;
  nullable: boolean;
  metadata: Record<string, unknown>;
}

export type ColumnMappingMode = 'none' | 'name' | 'id';

const SIMPLE: ReadonlySet<string> = new Set([
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
  'variant',
]);

/** Parses a schemaString; reports every malformed piece and returns undefined when unusable. */
export function parseSchemaString(
  schemaString: string,
  mode: ColumnMappingMode,
  where: string,
  problems: Problems,
): DeltaField[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(schemaString);
  } catch (e) {
    problems.error(where, `metaData.schemaString is not valid JSON (${(e as Error).message})`);
    return undefined;
  }
  if (!isObject(json) || json.type !== 'struct' || !Array.isArray(json.fields)) {
    problems.error(
      where,
      `metaData.schemaString must be a JSON struct {"type":"struct","fields":[...]}, got ${show(json)}`,
    );
    return undefined;
  }
  const ctx: ParseCtx = { mode, where, problems, ids: new Map(), physical: new Map(), ok: true };
  const fields = parseFields(json.fields, 'schema', ctx);
  return ctx.ok ? fields : undefined;
}

interface ParseCtx {
  mode: ColumnMappingMode;
  where: string;
  problems: Problems;
  ids: Map<number, string>;
  physical: Map<string, string>;
  ok: boolean;
}

function fail(ctx: ParseCtx, message: string): void {
  ctx.ok = false;
  ctx.problems.error(ctx.where, message);
}

function parseFields(raw: unknown[], at: string, ctx: ParseCtx): DeltaField[] {
  const out: DeltaField[] = [];
  const seen = new Set<string>();
  for (const f of raw) {
    const field = parseField(f, at, ctx);
    if (!field) continue;
    // The protocol requires column names to be unique regardless of case.
    const lower = field.name.toLowerCase();
    if (seen.has(lower))
      fail(ctx, `schema column names must be unique ignoring case: ${at}.${field.name} is duplicated`);
    seen.add(lower);
    out.push(field);
  }
  return out;
}

function parseField(raw: unknown, at: string, ctx: ParseCtx): DeltaField | undefined {
  if (!isObject(raw) || typeof raw.name !== 'string') {
    fail(ctx, `${at}: every struct field needs a string "name", got ${show(raw)}`);
    return undefined;
  }
  const path = `${at}.${raw.name}`;
  if (typeof raw.nullable !== 'boolean') fail(ctx, `${path}: "nullable" must be a boolean, got ${show(raw.nullable)}`);
  let metadata: Record<string, unknown> = {};
  if (isObject(raw.metadata)) metadata = raw.metadata;
  else if (raw.metadata !== undefined)
    fail(ctx, `${path}: "metadata" must be a JSON object, got ${show(raw.metadata)}`);
  const type = parseType(raw.type, path, ctx);
  if (!type) return undefined;
  let physicalName = raw.name;
  let id: number | undefined;
  const pn = metadata['delta.columnMapping.physicalName'];
  const rawId = metadata['delta.columnMapping.id'];
  if (isInt(rawId)) id = rawId;
  if (ctx.mode !== 'none') {
    if (typeof pn !== 'string' || pn === '')
      fail(ctx, `${path}: column mapping mode '${ctx.mode}' needs metadata "delta.columnMapping.physicalName"`);
    else physicalName = pn;
    if (id === undefined)
      fail(ctx, `${path}: column mapping mode '${ctx.mode}' needs an integer metadata "delta.columnMapping.id"`);
    else {
      const other = ctx.ids.get(id);
      if (other !== undefined) fail(ctx, `${path}: delta.columnMapping.id ${id} is also used by ${other}`);
      ctx.ids.set(id, path);
    }
    const otherPn = ctx.physical.get(physicalName);
    if (otherPn !== undefined) fail(ctx, `${path}: physical name ${physicalName} is also used by ${otherPn}`);
    ctx.physical.set(physicalName, path);
  }
  return { name: raw.name, physicalName, id, type, nullable: raw.nullable === true, metadata };
}

function parseType(raw: unknown, path: string, ctx: ParseCtx): DeltaType | undefined {
  if (typeof raw === 'string') {
    if (SIMPLE.has(raw)) return { kind: 'primitive', name: raw as PrimitiveName };
    if (raw === 'void') {
      ctx.problems.warn(ctx.where, `${path}: legacy 'void' column type (undefined behaviour in the protocol)`);
      return { kind: 'primitive', name: 'void' };
    }
    if (raw === 'decimal') return { kind: 'primitive', name: 'decimal', precision: 10, scale: 0 };
    const m = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(raw);
    if (m) {
      const precision = Number(m[1]);
      const scale = Number(m[2]);
      if (precision < 1 || precision > 38 || scale > precision) {
        fail(
          ctx,
          `${path}: decimal(${precision},${scale}) is out of range (1 <= precision <= 38, 0 <= scale <= precision)`,
        );
      }
      return { kind: 'primitive', name: 'decimal', precision, scale };
    }
    fail(ctx, `${path}: '${raw}' is not a Delta data type`);
    return undefined;
  }
  if (!isObject(raw)) {
    fail(ctx, `${path}: type must be a type name or a struct/array/map object, got ${show(raw)}`);
    return undefined;
  }
  if (raw.type === 'struct') {
    if (!Array.isArray(raw.fields)) {
      fail(ctx, `${path}: struct type needs a "fields" array`);
      return undefined;
    }
    return { kind: 'struct', fields: parseFields(raw.fields, path, ctx) };
  }
  if (raw.type === 'array') {
    if (typeof raw.containsNull !== 'boolean') fail(ctx, `${path}: array type needs a boolean "containsNull"`);
    const element = parseType(raw.elementType, `${path}.element`, ctx);
    return element && { kind: 'array', element };
  }
  if (raw.type === 'map') {
    if (typeof raw.valueContainsNull !== 'boolean') fail(ctx, `${path}: map type needs a boolean "valueContainsNull"`);
    const key = parseType(raw.keyType, `${path}.key`, ctx);
    const value = parseType(raw.valueType, `${path}.value`, ctx);
    return key && value && { kind: 'map', key, value };
  }
  fail(ctx, `${path}: unknown complex type ${show(raw.type)} (expected struct, array or map)`);
  return undefined;
}

/** True when some field (at any depth) has a type satisfying `pred`. */
export function someType(fields: DeltaField[], pred: (t: DeltaType) => boolean): boolean {
  const visit = (t: DeltaType): boolean => {
    if (pred(t)) return true;
    if (t.kind === 'struct') return t.fields.some((f) => visit(f.type));
    if (t.kind === 'array') return visit(t.element);
    if (t.kind === 'map') return visit(t.key) || visit(t.value);
    return false;
  };
  return fields.some((f) => visit(f.type));
}

/** True when some field (at any depth) has a metadata key satisfying `pred`. */
export function someFieldMetadata(fields: DeltaField[], pred: (key: string) => boolean): boolean {
  const visitType = (t: DeltaType): boolean => {
    if (t.kind === 'struct') return t.fields.some(visitField);
    if (t.kind === 'array') return visitType(t.element);
    if (t.kind === 'map') return visitType(t.key) || visitType(t.value);
    return false;
  };
  const visitField = (f: DeltaField): boolean => Object.keys(f.metadata).some(pred) || visitType(f.type);
  return fields.some(visitField);
}

/** Largest delta.columnMapping.id used anywhere in the schema (0 if none). */
export function maxColumnId(fields: DeltaField[]): number {
  let max = 0;
  const visitType = (t: DeltaType): void => {
    if (t.kind === 'struct') t.fields.forEach(visitField);
    else if (t.kind === 'array') visitType(t.element);
    else if (t.kind === 'map') {
      visitType(t.key);
      visitType(t.value);
    }
  };
  const visitField = (f: DeltaField): void => {
    if (f.id !== undefined && f.id > max) max = f.id;
    visitType(f.type);
  };
  fields.forEach(visitField);
  return max;
}

/** Human-readable type name, e.g. `decimal(10,2)` or `struct`. */
export function typeName(t: DeltaType): string {
  if (t.kind !== 'primitive') return t.kind;
  return t.name === 'decimal' ? `decimal(${t.precision},${t.scale})` : t.name;
}
