/**
 * ADD CONSTRAINT's I/O: read the table's existing rows and count those the new constraint is
 * false or NULL on (as Delta Spark does before it adds one). Only the columns the expression
 * reads are read. Files whose statistics show no row can be false or NULL are skipped: the
 * scan's filter is `NOT (e) OR c1 IS NULL OR ...` over the columns `e` reads, a superset of
 * the rejected rows whenever NULL can only come from a column; each row it returns is then
 * checked exactly with the same evaluation writes use.
 */
import { batchToObjects } from '../../arrow/json-values.js';
import { ConstraintViolationError } from '../../errors.js';
import {
  bind,
  col,
  columnsOf,
  evaluatePredicate,
  not,
  or,
  parseExpression,
  type BoundExpression,
  type Expression,
} from '../../expr/index.js';
import { SnapshotScan } from '../../read/scan.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { AddConstraintPlan, ConstraintCheck } from './types.js';

/** True when `e` can be NULL on a row whose columns are all non-null (a NULL literal, arithmetic, IN with NULL). */
function nullWithoutNullColumns(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const node = e as { kind?: unknown; value?: unknown; hasNull?: unknown };
  if (node.kind === 'literal') return node.value === null;
  if (node.kind === 'arith' || (node.kind === 'in' && node.hasNull === true)) return true;
  return Object.values(e).some((v) => (Array.isArray(v) ? v.some(nullWithoutNullColumns) : nullWithoutNullColumns(v)));
}

/** The scan filter for file skipping, or undefined when every file must be read. */
function skippingFilter(expr: Expression, bound: BoundExpression): Expression | undefined {
  if (nullWithoutNullColumns(bound)) return undefined;
  return or(not(expr), ...columnsOf(bound).map((p) => col(p).isNull()));
}

/** Count the rows of `snapshot` (the plan's read version) that violate the planned constraint. */
export async function checkExistingRows(snapshot: Snapshot, plan: AddConstraintPlan): Promise<ConstraintCheck> {
  const expr = parseExpression(plan.expression);
  const bound = bind(expr, snapshot.schema);
  const filter = skippingFilter(expr, bound);
  const scan = new SnapshotScan(snapshot, { columns: plan.columns, ...(filter ? { filter } : {}) });
  const fields = plan.columns.map((c) => snapshot.schema.fields.find((f) => f.name === c)!);
  let violations = 0;
  let example: Record<string, unknown> | undefined;
  for await (const batch of scan) {
    const ok = evaluatePredicate(bound, batch);
    const first = ok.indexOf(0);
    if (first < 0) continue;
    example ??= batchToObjects(batch.slice(first, first + 1), { type: 'struct', fields })[0];
    for (let i = first; i < ok.length; i++) if (ok[i] === 0) violations++;
  }
  const m = scan.metrics;
  return {
    violations,
    ...(example ? { example } : {}),
    filesRead: m.filesRead,
    filesSkipped: m.filesSkippedByPartition + m.filesSkippedByStats,
  };
}

/** Refuse the constraint when existing rows violate it; nothing is committed. */
export function assertNoViolations(plan: AddConstraintPlan, check: ConstraintCheck, uri: string): void {
  if (check.violations === 0) return;
  throw new ConstraintViolationError(
    plan.name,
    `${check.violations === 1 ? '1 row' : `${check.violations} rows`} of ${uri} ` +
      `${check.violations === 1 ? 'violates' : 'violate'} the new CHECK constraint ` +
      `${plan.name} (${plan.expression}), e.g. ${JSON.stringify(check.example)}; nothing was committed. ` +
      'Change or remove those rows first, or give a condition they satisfy.',
  );
}
