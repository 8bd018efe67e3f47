/**
 * MERGE's plan (pure over the log and the in-memory source; JSON): the statement compiled
 * against the target and source schemas (bad SQL, unknown columns and wrong types fail here,
 * before any I/O), then the candidate target files through the pruning DELETE and UPDATE use
 * (ops/dml/plan.ts `selectFiles`): each equality key within the source's range
 * (`keyRangeFilter`), the target-only conjuncts of `on` and, when every clause is a WHEN
 * MATCHED one, the target-only part of their conditions (`matchedOnlyTargetFilter`, as Delta's
 * getTargetOnlyPredicates), over partition values and file statistics. A notMatchedBySource clause makes every file a candidate (as Delta); a source
 * whose keys are all NULL matches no file. An insert-only merge still reads its candidate
 * files' keys (a left anti join) but rewrites none.
 */
import * as arrow from 'apache-arrow';
import { bind, col, toSql, type BoundExpression, type Expression } from '../../expr/index.js';
import type { Metadata } from '../../protocol/actions.js';
import type { StructType } from '../../protocol/schema.js';
import type { EvolvedTable } from './evolve.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { checkWritable, selectFiles } from '../dml/index.js';
import { dmlContext } from '../dml/context.js';
import type { DmlOptions, DmlPlan, SkippingMetrics } from '../dml/types.js';
import { compileMerge, type CompiledMerge } from './compile.js';
import type { MergeSource } from './load-source.js';
import { keyRangeFilter, matchedOnlyTargetFilter, splitOn } from './on.js';
import { MAX_PRUNING_KEYS, sourceKeyRanges, sourceKeyValues } from './source.js';
import type { MergeSpec } from './types.js';

export interface MergePlan extends DmlPlan {
  merge: {
    spec: MergeSpec;
    /** SQL of the filter that pruned target files (the commit's read predicate); absent: every file. */
    pruning?: string;
    /** The table's metadata after the merge, when schema evolution changed it. */
    evolved?: Metadata;
  };
}

/** An expression (bound or not) over `{ alias: struct }` with the alias removed from every column path. */
function stripAlias<T extends Expression | BoundExpression>(e: T): T {
  if (e.kind === 'column') return { ...e, path: e.path.slice(1) };
  if (e.kind === 'literal') return e;
  const out: Record<string, unknown> = { ...e };
  for (const [k, v] of Object.entries(e)) {
    if (Array.isArray(v)) out[k] = v.map((x: unknown) => (isNode(x) ? stripAlias(x) : x));
    else if (isNode(v)) out[k] = stripAlias(v);
  }
  return out as unknown as T;
}

function isNode(x: unknown): x is Expression | BoundExpression {
  return typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string';
}

/** `expr` (over the target alias only) bound over the target's columns, or undefined when it cannot be. */
function targetFilter(spec: MergeSpec, target: StructType, expr: Expression): BoundExpression | undefined {
  const schema: StructType = {
    type: 'struct',
    fields: [{ name: spec.targetAlias, type: target, nullable: true, metadata: {} }],
  };
  try {
    return stripAlias(bind(expr, schema));
  } catch {
    return undefined;
  }
}

/** The pruning filter over the target's columns: undefined = every file; null = no file can match. */
function pruningFilter(
  m: CompiledMerge,
  source: MergeSource,
  maxKeys = MAX_PRUNING_KEYS,
): { bound: BoundExpression | undefined; sql?: string } | null {
  const spec = m.spec;
  if (spec.clauses.some((c) => c.kind === 'notMatchedBySource')) return { bound: undefined };
  const table = new arrow.Table([source.batch]);
  const ranges = sourceKeyRanges(table, m.keys);
  const parts: Expression[] = [];
  for (let i = 0; i < m.keys.length; i++) {
    const range = keyRangeFilter([m.keys[i]!], [ranges[i]!]);
    if (range === null) return null;
    const values = range.kind === 'literal' ? undefined : sourceKeyValues(table, m.keys[i]!, maxKeys);
    if (values && values.length > 0) parts.push(col([m.keys[i]!.target]).in(values));
    else if (range.kind !== 'literal') parts.push(range);
  }
  const bound: BoundExpression[] = [];
  const sql: string[] = [];
  for (const e of parts) {
    try {
      bound.push(bind(e, m.target));
      sql.push(toSql(e));
    } catch {
      // A key whose source type does not compare with the target's prunes nothing.
    }
  }
  const matchedOnly = matchedOnlyTargetFilter(spec);
  for (const e of [...splitOn(spec).targetOnly, ...(matchedOnly ? [matchedOnly] : [])]) {
    const b = targetFilter(spec, m.target, e);
    if (b) {
      bound.push(b);
      sql.push(toSql(stripAlias(e)));
    }
  }
  if (bound.length === 0) return { bound: undefined };
  const all =
    bound.length === 1 ? bound[0]! : { kind: 'and' as const, args: bound, type: { type: 'boolean' as const } };
  return { bound: all as BoundExpression, sql: sql.join(' AND ') };
}

const NO_FILES: SkippingMetrics = {
  numFilesBeforeSkipping: 0,
  numBytesBeforeSkipping: 0,
  numFilesAfterSkipping: 0,
  numBytesAfterSkipping: 0,
};

/** Plan a MERGE of `source` into `snapshot`; `evolved`: the table after schema evolution. */
export function planMerge(
  snapshot: Snapshot,
  spec: MergeSpec,
  source: MergeSource,
  opts: DmlOptions = {},
  evolved?: EvolvedTable,
): MergePlan {
  checkWritable(snapshot, 'MERGE');
  const m = compileMerge(spec, evolved?.schema ?? snapshot.schema, source.schema);
  const context = { ...dmlContext(snapshot, { operation: 'MERGE' }, opts, spec.on) };
  if (evolved) {
    context.schemaString = evolved.metadata.schemaString;
    context.configuration = { ...evolved.metadata.configuration };
  }
  const filter = pruningFilter(m, source);
  const selected =
    filter === null
      ? { files: [], skipping: { ...NO_FILES, numFilesBeforeSkipping: snapshot.numFiles } }
      : selectFiles(snapshot, filter.bound);
  return {
    readVersion: snapshot.version,
    context,
    removeWhole: [],
    files: selected.files.map((add) => ({ add, allRowsMatch: false })),
    skipping: selected.skipping,
    merge: {
      spec,
      ...(filter?.sql !== undefined ? { pruning: filter.sql } : {}),
      ...(evolved ? { evolved: evolved.metadata } : {}),
    },
  };
}
