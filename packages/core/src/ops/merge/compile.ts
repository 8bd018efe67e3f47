/**
 * A MERGE statement made executable (in the planner or a worker): every condition and
 * assigned value bound over one combined row type `{ <targetAlias>: struct, <sourceAlias>:
 * struct }`, so `t.id` and `s.id` are ordinary nested columns for the expression engine.
 * Each update / insert clause becomes one value per target column (Spark's resolution:
 * an update keeps unassigned columns, an insert sets them to NULL, 'all' takes the source
 * column of the same name). Conditions of notMatched clauses may read only the source,
 * those of notMatchedBySource clauses only the target, as in Delta.
 */
import { ExpressionError, InvalidArgumentError, type Say } from '../../errors.js';
import {
  and,
  bind,
  col,
  columnsOf,
  lit,
  parseExpression,
  type BoundExpression,
  type Expression,
} from '../../expr/index.js';
import type { StructField, StructType } from '../../protocol/schema.js';
import { bindAssignment } from '../dml/assign.js';
import { splitOn, type MergeKey } from './on.js';
import type { MergeClause, MergeSpec } from './types.js';

export interface CompiledClause {
  clause: MergeClause;
  condition?: BoundExpression;
  /** update / insert: the new value of every target column, in schema order. */
  values?: BoundExpression[];
}

export interface CompiledMerge {
  spec: MergeSpec;
  /** The table's schema after the merge (the target's, or evolved). */
  target: StructType;
  source: StructType;
  /** `{ targetAlias: struct<target>, sourceAlias: struct<source> }`. */
  combined: StructType;
  keys: MergeKey[];
  /**
   * The non-key conjuncts of `on` (evaluated per candidate pair), or undefined. Without keys
   * (a nested-loop join) the source-only conjuncts are left out: `sourceFilter` applies them once.
   */
  residual?: BoundExpression;
  /** The source-only conjuncts of `on`, or undefined. */
  sourceFilter?: BoundExpression;
  /** Target columns that name a row in a duplicate-match error: the keys, else those `on` reads. */
  rowNames: string[];
  clauses: CompiledClause[];
  /** Target columns pass 1 reads: keys and the target side of `on` and of the target-row conditions. */
  targetReadColumns: string[];
}

function struct(fields: readonly StructField[]): StructType {
  return { type: 'struct', fields: [...fields] };
}

export function combinedSchema(spec: MergeSpec, target: StructType, source: StructType): StructType {
  return struct([
    { name: spec.targetAlias, type: target, nullable: true, metadata: {} },
    { name: spec.sourceAlias, type: source, nullable: true, metadata: {} },
  ]);
}

function fieldNamed(schema: StructType, name: string): StructField | undefined {
  return (
    schema.fields.find((f) => f.name === name) ?? schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase())
  );
}

/** The clause in the words of the interface showing the message (SDK method or CLI flag). */
export function clauseLabel(c: MergeClause, say: Say): string {
  return say({ option: 'mergeClause', kind: c.kind, action: c.action, all: c.assignments === 'all' });
}

/** Refuse references to the side a clause kind has no row of. */
function checkSides(spec: MergeSpec, c: MergeClause, e: Expression, what: string): void {
  const forbidden =
    c.kind === 'notMatched' ? spec.targetAlias : c.kind === 'notMatchedBySource' ? spec.sourceAlias : undefined;
  for (const path of columnsOf(e)) {
    if (path.length < 2 || (path[0] !== spec.targetAlias && path[0] !== spec.sourceAlias))
      throw new ExpressionError(
        (say) =>
          `merge: column ${path.join('.')} in the ${clauseLabel(c, say)} ${what} needs its table: write ${spec.targetAlias}.${path.join('.')} or ${spec.sourceAlias}.${path.join('.')}`,
      );
    if (path[0] === forbidden)
      throw new ExpressionError(
        (say) =>
          `merge: the ${clauseLabel(c, say)} ${what} reads ${path.join('.')}, but a ${c.kind === 'notMatched' ? 'not-matched source row has no target row' : 'target row not matched by the source has no source row'}`,
      );
  }
}

function allValue(spec: MergeSpec, c: MergeClause, field: StructField, source: StructType): Expression {
  const s = fieldNamed(source, field.name);
  if (s) return col([spec.sourceAlias, s.name]);
  if (!spec.schemaEvolution)
    throw new InvalidArgumentError(
      (say) =>
        `merge: ${clauseLabel(c, say)} needs source column ${field.name} (the target has it; the source's columns: ${source.fields.map((f) => f.name).join(', ')}); assign the columns explicitly or add it to the source`,
    );
  return c.action === 'update' ? col([spec.targetAlias, field.name]) : lit(null);
}

function clauseValues(spec: MergeSpec, c: MergeClause, target: StructType, source: StructType): Expression[] {
  if (c.assignments === 'all') return target.fields.map((f) => allValue(spec, c, f, source));
  const given = new Map<number, Expression>();
  for (const [name, sql] of Object.entries(c.assignments ?? {})) {
    const bare = name.startsWith(`${spec.targetAlias}.`) ? name.slice(spec.targetAlias.length + 1) : name;
    const i = target.fields.findIndex((f) => f.name === bare || f.name.toLowerCase() === bare.toLowerCase());
    if (i < 0)
      throw new InvalidArgumentError(
        (say) =>
          `merge: ${clauseLabel(c, say)} assigns ${name}, which is not a target column (columns: ${target.fields.map((f) => f.name).join(', ')})`,
      );
    if (given.has(i))
      throw new InvalidArgumentError((say) => `merge: ${clauseLabel(c, say)} assigns ${target.fields[i]!.name} twice`);
    const e = parseExpression(sql);
    checkSides(spec, c, e, `value of ${name}`);
    given.set(i, e);
  }
  return target.fields.map(
    (f, i) => given.get(i) ?? (c.action === 'update' ? col([spec.targetAlias, f.name]) : lit(null)),
  );
}

function compileClause(
  spec: MergeSpec,
  c: MergeClause,
  target: StructType,
  source: StructType,
  combined: StructType,
): CompiledClause {
  const out: CompiledClause = { clause: c };
  if (c.condition !== undefined) {
    const e = parseExpression(c.condition);
    checkSides(spec, c, e, 'condition');
    out.condition = bind(e, combined);
  }
  if (c.action !== 'delete') {
    const exprs = clauseValues(spec, c, target, source);
    out.values = exprs.map((e, i) => bindAssignment(e, target.fields[i]!, combined, 2));
  }
  return out;
}

/** Target columns (top level) an expression over the combined row reads. */
function targetColumns(spec: MergeSpec, e: BoundExpression | undefined): string[] {
  return e
    ? columnsOf(e)
        .filter((p) => p[0] === spec.targetAlias)
        .map((p) => p[1]!)
    : [];
}

export function compileMerge(spec: MergeSpec, target: StructType, source: StructType): CompiledMerge {
  const combined = combinedSchema(spec, target, source);
  const on = splitOn(spec);
  for (const k of on.keys) {
    if (!fieldNamed(target, k.target))
      throw new InvalidArgumentError(`merge: on names ${spec.targetAlias}.${k.target}, which is not a target column`);
    if (!fieldNamed(source, k.source))
      throw new InvalidArgumentError(
        `merge: on names ${spec.sourceAlias}.${k.source}, which is not a source column (columns: ${source.fields.map((f) => f.name).join(', ')})`,
      );
  }
  const keys = on.keys.map((k) => ({
    target: fieldNamed(target, k.target)!.name,
    source: fieldNamed(source, k.source)!.name,
  }));
  const rest = [...on.targetOnly, ...(keys.length > 0 ? on.sourceOnly : []), ...on.mixed];
  const residual = rest.length > 0 ? bind(and(...rest), combined) : undefined;
  const sourceFilter = on.sourceOnly.length > 0 ? bind(and(...on.sourceOnly), combined) : undefined;
  const clauses = spec.clauses.map((c) => compileClause(spec, c, target, source, combined));
  const read = new Set<string>(keys.map((k) => k.target));
  for (const t of targetColumns(spec, residual)) read.add(t);
  for (const c of clauses)
    if (c.clause.kind !== 'notMatched') for (const t of targetColumns(spec, c.condition)) read.add(t);
  const rowNames = keys.length > 0 ? keys.map((k) => k.target) : targetColumns(spec, residual);
  return {
    spec,
    target,
    source,
    combined,
    keys,
    residual,
    sourceFilter,
    rowNames: [...new Set(rowNames)],
    clauses,
    targetReadColumns: [...read],
  };
}
