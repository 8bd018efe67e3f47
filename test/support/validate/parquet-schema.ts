/**
 * Data-file Parquet schema against the Delta schema (appendix "Delta Data Type to Parquet Type
 * Mappings"), using hyparquet's footer view (physical + logical/converted types, field ids).
 */
import type { DeltaField, DeltaType } from './delta-schema.js';
import { typeName } from './delta-schema.js';
import type { SchemaElement, SchemaTree } from './deps.js';
import type { Problems } from './problems.js';
import type { TableMeta } from './table-meta.js';
import { partitionColumnsMaterialized } from './table-meta.js';

export interface ParquetSchemaOptions {
  allowInt96: boolean;
  typeWidening: boolean;
  changeDataFeed: boolean;
}

/** Delta leaf (physical path, reached through structs only) -> column path in the file. */
export type ColumnMap = Map<string, string[]>;

/** Key of a Delta physical column path in a ColumnMap. */
export function pathKey(path: string[]): string {
  return path.join('\u0000');
}

interface Ctx {
  meta: TableMeta;
  opts: ParquetSchemaOptions;
  where: string;
  problems: Problems;
  columns: ColumnMap;
}

/** Checks the file schema; returns where each struct-reachable Delta leaf lives in the file. */
export function checkDataFileSchema(
  root: SchemaTree,
  meta: TableMeta,
  opts: ParquetSchemaOptions,
  where: string,
  problems: Problems,
): ColumnMap {
  const ctx: Ctx = { meta, opts, where, problems, columns: new Map() };
  const fields = meta.fields ?? [];
  const partition = new Set(meta.partitionFields.map((f) => f.physicalName));
  const matched = new Set<SchemaTree>();
  for (const f of fields) {
    const child = matchChild(root, f, meta);
    if (child) matched.add(child);
    if (partition.has(f.physicalName)) {
      if (child && !partitionColumnsMaterialized(meta)) {
        problems.error(
          where,
          `partition column '${f.name}' must not be stored in the data file (its value lives in add.partitionValues)`,
        );
      }
      continue;
    }
    if (!child) {
      // Files written before schema evolution legitimately lack newer nullable columns.
      if (f.nullable !== false) continue;
      problems.error(
        where,
        `column '${f.name}'${f.physicalName !== f.name ? ` (physical name ${f.physicalName})` : ''} of the table schema is missing from the data file`,
      );
      continue;
    }
    checkNode(f, child, [f.physicalName], [child.element.name], ctx);
  }
  for (const child of root.children) {
    if (matched.has(child)) continue;
    const name = child.element.name;
    if (name === '_change_type' && opts.changeDataFeed) continue;
    problems.warn(where, `data file has column '${name}', which is not in the table schema`);
  }
  return ctx.columns;
}

function matchChild(node: SchemaTree, f: DeltaField, meta: TableMeta): SchemaTree | undefined {
  if (meta.mode === 'id' && f.id !== undefined) {
    const byId = node.children.find((c) => c.element.field_id === f.id);
    if (byId) return byId;
  }
  return node.children.find((c) => c.element.name === f.physicalName);
}

function checkNode(f: DeltaField, node: SchemaTree, path: string[], filePath: string[], ctx: Ctx): void {
  const at = `column ${path.join('.')}`;
  if (ctx.meta.mode === 'id' && f.id !== undefined && node.element.field_id !== f.id) {
    ctx.problems.error(
      ctx.where,
      `${at}: Parquet field_id is ${node.element.field_id ?? 'missing'}, column mapping id is ${f.id}`,
    );
  } else if (ctx.meta.mode === 'name' && f.id !== undefined && node.element.field_id !== f.id) {
    // Name mode reads by physical name, but Delta Spark writes the ids in both modes (and an
    // engine may read by id): a wrong id is an error, a missing one a warning.
    const found = node.element.field_id;
    const msg = `${at}: Parquet field_id is ${found ?? 'missing'}, column mapping id is ${f.id} (Delta Spark writes field ids in name mode too)`;
    if (found === undefined) ctx.problems.warn(ctx.where, msg);
    else ctx.problems.error(ctx.where, msg);
  }
  if (f.type.kind === 'struct') {
    if (isLeaf(node) || annotation(node.element) !== undefined) {
      ctx.problems.error(
        ctx.where,
        `${at}: struct column must be a plain Parquet group, got ${describe(node.element)}`,
      );
      return;
    }
    for (const sub of f.type.fields) {
      const child = matchChild(node, sub, ctx.meta);
      if (!child) ctx.problems.error(ctx.where, `${at}: nested field '${sub.name}' is missing from the data file`);
      else checkNode(sub, child, [...path, sub.physicalName], [...filePath, child.element.name], ctx);
    }
    return;
  }
  ctx.columns.set(pathKey(path), filePath);
  checkType(f.type, node, at, ctx);
}

function checkType(t: DeltaType, node: SchemaTree, at: string, ctx: Ctx): void {
  const el = node.element;
  if (t.kind === 'primitive') {
    if (t.name === 'variant') {
      if (isLeaf(node) || !node.children.some((c) => c.element.name === 'metadata')) {
        ctx.problems.error(ctx.where, `${at}: variant column must be a group with 'metadata' and 'value' binaries`);
      }
      return;
    }
    if (!isLeaf(node)) {
      ctx.problems.error(ctx.where, `${at}: ${typeName(t)} column is a Parquet group in the file`);
      return;
    }
    const problem = primitiveProblem(t, el, ctx.opts);
    if (problem) ctx.problems.error(ctx.where, `${at}: Delta ${typeName(t)} stored as ${describe(el)}; ${problem}`);
    return;
  }
  if (t.kind === 'struct') {
    // Structs inside arrays/maps: check by name, no stats mapping (stats do not reach into them).
    if (isLeaf(node)) {
      ctx.problems.error(ctx.where, `${at}: struct is stored as ${describe(el)}`);
      return;
    }
    for (const sub of t.fields) {
      const child = matchChild(node, sub, ctx.meta);
      if (!child) ctx.problems.error(ctx.where, `${at}: nested field '${sub.name}' is missing from the data file`);
      else checkType(sub.type, child, `${at}.${sub.physicalName}`, ctx);
    }
    return;
  }
  if (t.kind === 'array') {
    if (isLeaf(node) || annotation(el) !== 'LIST') {
      ctx.problems.error(ctx.where, `${at}: array column must be a LIST-annotated Parquet group, got ${describe(el)}`);
      return;
    }
    const rep = node.children[0];
    if (node.children.length !== 1 || rep.element.repetition_type !== 'REPEATED') {
      ctx.problems.error(ctx.where, `${at}: LIST group must have exactly one repeated child`);
      return;
    }
    const threeLevel =
      !isLeaf(rep) && rep.children.length === 1 && rep.element.name !== 'array' && !rep.element.name.endsWith('_tuple');
    if (!threeLevel) {
      ctx.problems.warn(ctx.where, `${at}: legacy 2-level LIST layout (Spark writes 3-level list/element)`);
      checkType(t.element, rep, `${at}.element`, ctx);
      return;
    }
    const element = rep.children[0];
    if (rep.element.name !== 'list' || element.element.name !== 'element') {
      ctx.problems.warn(
        ctx.where,
        `${at}: LIST children are named '${rep.element.name}'/'${element.element.name}' (the Parquet spec and Spark use 'list'/'element')`,
      );
    }
    checkType(t.element, element, `${at}.element`, ctx);
    return;
  }
  const ann = annotation(el);
  if (isLeaf(node) || (ann !== 'MAP' && ann !== 'MAP_KEY_VALUE')) {
    ctx.problems.error(ctx.where, `${at}: map column must be a MAP-annotated Parquet group, got ${describe(el)}`);
    return;
  }
  const kv = node.children[0];
  if (node.children.length !== 1 || kv.element.repetition_type !== 'REPEATED' || kv.children.length !== 2) {
    ctx.problems.error(ctx.where, `${at}: MAP group must have one repeated key/value group with two children`);
    return;
  }
  const [key, value] = kv.children;
  if (kv.element.name !== 'key_value' || key.element.name !== 'key' || value.element.name !== 'value') {
    ctx.problems.warn(
      ctx.where,
      `${at}: MAP children are named '${kv.element.name}'/'${key.element.name}'/'${value.element.name}' (the Parquet spec and Spark use 'key_value'/'key'/'value')`,
    );
  }
  if (key.element.repetition_type !== 'REQUIRED')
    ctx.problems.error(ctx.where, `${at}: map keys must be REQUIRED in Parquet`);
  checkType(t.key, key, `${at}.key`, ctx);
  checkType(t.value, value, `${at}.value`, ctx);
}

function isLeaf(node: SchemaTree): boolean {
  return node.element.type !== undefined;
}

/** LIST / MAP / STRING / ... from the logical type, else the converted type. */
function annotation(el: SchemaElement): string | undefined {
  return el.logical_type?.type ?? el.converted_type;
}

/** e.g. `INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false)`. */
export function describe(el: SchemaElement): string {
  const lt = el.logical_type;
  let ann = '';
  if (lt?.type === 'TIMESTAMP') ann = ` TIMESTAMP(${lt.unit}, isAdjustedToUTC=${lt.isAdjustedToUTC})`;
  else if (lt?.type === 'INTEGER') ann = ` INT(${lt.bitWidth}, ${lt.isSigned ? 'signed' : 'unsigned'})`;
  else if (lt?.type === 'DECIMAL') ann = ` DECIMAL(${lt.precision},${lt.scale})`;
  else if (lt) ann = ` ${lt.type}`;
  else if (el.converted_type)
    ann = ` ${el.converted_type}${el.converted_type === 'DECIMAL' ? `(${el.precision},${el.scale})` : ''}`;
  return `${el.type ?? 'group'}${ann}`;
}

/** Integer width and signedness from the annotation, undefined when unannotated. */
function intAnnotation(el: SchemaElement): { bits: number; signed: boolean } | undefined {
  const lt = el.logical_type;
  if (lt?.type === 'INTEGER') return { bits: lt.bitWidth, signed: lt.isSigned };
  const m = /^(U?)INT_(8|16|32|64)$/.exec(el.converted_type ?? '');
  return m ? { bits: Number(m[2]), signed: m[1] === '' } : undefined;
}

function decimalAnnotation(el: SchemaElement): { precision: number; scale: number } | undefined {
  const lt = el.logical_type;
  if (lt?.type === 'DECIMAL') return { precision: lt.precision, scale: lt.scale };
  if (el.converted_type === 'DECIMAL') return { precision: el.precision ?? 0, scale: el.scale ?? 0 };
  return undefined;
}

const INT_BITS: Record<string, number> = { byte: 8, short: 16, integer: 32, long: 64 };

function primitiveProblem(
  t: Extract<DeltaType, { kind: 'primitive' }>,
  el: SchemaElement,
  opts: ParquetSchemaOptions,
): string | undefined {
  const ann = annotation(el);
  switch (t.name) {
    case 'boolean':
      return el.type === 'BOOLEAN' ? undefined : 'expected BOOLEAN';
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      const bits = INT_BITS[t.name];
      const ia = intAnnotation(el);
      if (ia && !ia.signed) return 'unsigned integers are not Delta types';
      if (ann !== undefined && !ia)
        return `expected INT${bits <= 32 ? 32 : 64} with at most an INT(${bits}, signed) annotation`;
      const fileBits = ia?.bits ?? (el.type === 'INT64' ? 64 : 32);
      const physicalOk =
        bits === 64 ? el.type === 'INT64' || (opts.typeWidening && el.type === 'INT32') : el.type === 'INT32';
      if (!physicalOk) return `expected ${bits === 64 ? 'INT64' : 'INT32'}`;
      if (fileBits === bits || (opts.typeWidening && fileBits < bits)) return undefined;
      return `expected INT(${bits}, signed), the file declares INT(${fileBits})`;
    }
    case 'float':
      return el.type === 'FLOAT' ? undefined : 'expected FLOAT';
    case 'double':
      if (el.type === 'DOUBLE') return undefined;
      if (opts.typeWidening && (el.type === 'FLOAT' || (el.type === 'INT32' && ann !== 'DATE'))) return undefined;
      return 'expected DOUBLE';
    case 'decimal': {
      const d = decimalAnnotation(el);
      if (!d)
        return opts.typeWidening && el.type !== undefined && /^INT(32|64)$/.test(el.type) && ann === undefined
          ? undefined
          : 'expected a DECIMAL annotation';
      if (!['INT32', 'INT64', 'FIXED_LEN_BYTE_ARRAY', 'BYTE_ARRAY'].includes(el.type ?? ''))
        return 'DECIMAL must be INT32, INT64 or (FIXED_LEN_)BYTE_ARRAY';
      if (d.precision === t.precision && d.scale === t.scale) return undefined;
      const widened = opts.typeWidening && d.scale <= t.scale! && d.precision - d.scale <= t.precision! - t.scale!;
      return widened ? undefined : `expected DECIMAL(${t.precision},${t.scale})`;
    }
    case 'string':
      return el.type === 'BYTE_ARRAY' && (ann === 'STRING' || ann === 'UTF8')
        ? undefined
        : 'expected BYTE_ARRAY with a STRING (UTF8) annotation';
    case 'binary':
      return el.type === 'BYTE_ARRAY' || el.type === 'FIXED_LEN_BYTE_ARRAY' ? undefined : 'expected BYTE_ARRAY';
    case 'date':
      return el.type === 'INT32' && ann === 'DATE' ? undefined : 'expected INT32 DATE';
    case 'timestamp':
    case 'timestamp_ntz': {
      const utc = t.name === 'timestamp';
      if (el.type === 'INT96')
        return opts.allowInt96 ? undefined : 'INT96 timestamps are deprecated; write INT64 TIMESTAMP(MICROS)';
      if (!utc && opts.typeWidening && el.type === 'INT32' && ann === 'DATE') return undefined;
      if (el.type !== 'INT64') return 'expected INT64 TIMESTAMP(MICROS)';
      const lt = el.logical_type;
      if (lt?.type === 'TIMESTAMP') {
        if (lt.unit !== 'MICROS') return `Delta timestamps are microseconds, the file stores ${lt.unit}`;
        if (lt.isAdjustedToUTC !== utc) return `${t.name} requires isAdjustedToUTC=${utc}`;
        return undefined;
      }
      // Converted types alone imply isAdjustedToUTC=true.
      if (el.converted_type === 'TIMESTAMP_MICROS')
        return utc ? undefined : 'timestamp_ntz requires isAdjustedToUTC=false (needs the TIMESTAMP logical type)';
      if (el.converted_type === 'TIMESTAMP_MILLIS') return 'Delta timestamps are microseconds, the file stores MILLIS';
      return 'expected a TIMESTAMP(MICROS) annotation';
    }
    default:
      return undefined;
  }
}
