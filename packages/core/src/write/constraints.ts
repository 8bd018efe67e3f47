/**
 * CHECK constraints (`delta.constraints.<name>` properties) and column invariants
 * (`delta.invariants` field metadata), evaluated on every batch before it is written.
 * A row where a constraint is false or null rejects the whole write.
 */
import type * as arrow from 'apache-arrow';
import { ConstraintViolationError, InvalidArgumentError } from '../errors.js';
import { bind, evaluatePredicate, parseExpression, type BoundExpression } from '../expr/index.js';
import { batchToObjects } from '../arrow/json-values.js';
import { validateProperties } from '../protocol/properties.js';
import type { DataType, StructType } from '../protocol/schema.js';

export interface Constraint {
  name: string;
  sql: string;
  bound: BoundExpression;
}

function invariantsOf(t: DataType, prefix: string, out: { name: string; sql: string }[]): void {
  if (t.type !== 'struct') return;
  for (const f of t.fields) {
    const raw = f.metadata['delta.invariants'];
    if (typeof raw === 'string') {
      try {
        const sql = (JSON.parse(raw) as { expression: { expression: string } }).expression.expression;
        out.push({ name: `invariant on ${prefix}${f.name}`, sql });
      } catch {
        throw new InvalidArgumentError(`column ${prefix}${f.name} has an unreadable delta.invariants value: ${raw}`);
      }
    }
    invariantsOf(f.type, `${prefix}${f.name}.`, out);
  }
}

export function tableConstraints(configuration: Readonly<Record<string, string>>, schema: StructType): Constraint[] {
  const defs: { name: string; sql: string }[] = [];
  for (const [k, v] of Object.entries(configuration))
    if (k.startsWith('delta.constraints.')) defs.push({ name: k.slice('delta.constraints.'.length), sql: v });
  invariantsOf(schema, '', defs);
  return defs.map((d) => ({ ...d, bound: bind(parseExpression(d.sql), schema) }));
}

/**
 * Validate the properties of a new table: the protocol's rules (protocol/properties.ts) and
 * every CHECK constraint (`delta.constraints.<name>`), which must parse and bind to `schema`.
 */
export function validateTableProperties(props: Readonly<Record<string, string>>, schema: StructType): void {
  validateProperties(props, schema);
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith('delta.constraints.')) continue;
    try {
      bind(parseExpression(value), schema);
    } catch (err) {
      throw new InvalidArgumentError(
        `CHECK constraint ${key.slice('delta.constraints.'.length)} ("${value}") is invalid: ${(err as Error).message}`,
      );
    }
  }
}

/** Throws ConstraintViolationError naming the constraint and the first offending row. */
export function checkConstraints(
  batch: arrow.RecordBatch,
  constraints: readonly Constraint[],
  schema: StructType,
): void {
  for (const c of constraints) {
    const ok = evaluatePredicate(c.bound, batch);
    const bad = ok.indexOf(0);
    if (bad >= 0) {
      const row = batchToObjects(batch.slice(bad, bad + 1), schema)[0];
      throw new ConstraintViolationError(
        c.name,
        `CHECK constraint ${c.name} (${c.sql}) is violated by row ${JSON.stringify(row)}; nothing was committed`,
      );
    }
  }
}
