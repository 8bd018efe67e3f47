/**
 * The SDK's MERGE builder: `table.merge(source, { on, sourceAlias, targetAlias })` returns
 * one, clauses are added in order (Delta tries them in that order within their kind), and
 * `execute()` hands the finished statement (JSON, `MergeSpec`) to the runner the table gave
 * it. Conditions and assigned values are SQL text or builder expressions, as UPDATE's.
 */
import { InvalidArgumentError } from '../../errors.js';
import { toLiteral } from '../../expr/ast.js';
import { isExpr, parseExpression, toSql, type Expression } from '../../expr/index.js';
import type {
  AllColumns,
  MergeActionType,
  MergeAssignments,
  MergeClause,
  MergeClauseKind,
  MergeOn,
  MergeSpec,
} from './types.js';

const CLAUSE_NAMES: Record<MergeClauseKind, string> = {
  matched: 'whenMatched',
  notMatched: 'whenNotMatched',
  notMatchedBySource: 'whenNotMatchedBySource',
};

/** SQL text of an expression given as a builder expression or SQL (checked to parse). */
function sqlOf(what: string, value: Expression | string): string {
  if (isExpr(value)) return toSql(value);
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidArgumentError(`merge: ${what} must be SQL text or a builder expression`);
  parseExpression(value);
  return value;
}

/** Assignments as SQL: expressions print, strings are SQL already, other values become literals. */
function assignmentsSql(method: string, given: MergeAssignments | undefined): Record<string, string> {
  if (!given || typeof given !== 'object' || Object.keys(given).length === 0)
    throw new InvalidArgumentError(`merge: ${method} needs at least one column, or 'all'`);
  const out: Record<string, string> = {};
  for (const [column, value] of Object.entries(given)) {
    if (isExpr(value)) out[column] = toSql(value);
    else if (typeof value === 'string') out[column] = sqlOf(`${method} value of ${column}`, value);
    else out[column] = toSql(toLiteral(value));
  }
  return out;
}

export class MergeBuilder<R> {
  private readonly clauses: MergeClause[] = [];
  private evolve = false;
  private readonly onSql: string;
  private readonly sourceAlias: string;
  private readonly targetAlias: string;

  constructor(
    on: MergeOn,
    private readonly run: (spec: MergeSpec) => Promise<R>,
  ) {
    this.onSql = sqlOf('on', on.on);
    this.sourceAlias = on.sourceAlias ?? 's';
    this.targetAlias = on.targetAlias ?? 't';
    if (this.sourceAlias === this.targetAlias)
      throw new InvalidArgumentError(`merge: sourceAlias and targetAlias must differ (both are '${this.sourceAlias}')`);
  }

  whenMatchedUpdate(set: { set: MergeAssignments } | AllColumns, condition?: Expression | string): this {
    return this.add(
      'matched',
      'update',
      condition,
      set === 'all' ? 'all' : assignmentsSql('whenMatchedUpdate', set?.set),
    );
  }

  whenMatchedDelete(condition?: Expression | string): this {
    return this.add('matched', 'delete', condition);
  }

  whenNotMatchedInsert(values: { values: MergeAssignments } | AllColumns, condition?: Expression | string): this {
    const a = values === 'all' ? 'all' : assignmentsSql('whenNotMatchedInsert', values?.values);
    return this.add('notMatched', 'insert', condition, a);
  }

  /** Update target rows no source row matched (there is no source row: `set` only, no 'all'). */
  whenNotMatchedBySourceUpdate(set: { set: MergeAssignments }, condition?: Expression | string): this {
    return this.add(
      'notMatchedBySource',
      'update',
      condition,
      assignmentsSql('whenNotMatchedBySourceUpdate', set?.set),
    );
  }

  whenNotMatchedBySourceDelete(condition?: Expression | string): this {
    return this.add('notMatchedBySource', 'delete', condition);
  }

  /** Add source columns the target lacks (as Delta's `withSchemaEvolution()`). */
  withSchemaEvolution(): this {
    this.evolve = true;
    return this;
  }

  /** The statement as JSON (what `execute` runs). */
  spec(): MergeSpec {
    if (this.clauses.length === 0)
      throw new InvalidArgumentError(
        'merge needs at least one clause: whenMatchedUpdate, whenMatchedDelete, whenNotMatchedInsert, whenNotMatchedBySourceUpdate or whenNotMatchedBySourceDelete',
      );
    return {
      on: this.onSql,
      sourceAlias: this.sourceAlias,
      targetAlias: this.targetAlias,
      clauses: this.clauses.map((c) => ({ ...c })),
      schemaEvolution: this.evolve,
    };
  }

  async execute(): Promise<R> {
    return this.run(this.spec());
  }

  private add(
    kind: MergeClauseKind,
    action: MergeActionType,
    condition: Expression | string | undefined,
    assignments?: Record<string, string> | AllColumns,
  ): this {
    const open = this.clauses.find((c) => c.kind === kind && c.condition === undefined);
    if (open)
      throw new InvalidArgumentError(
        `merge: a ${CLAUSE_NAMES[kind]} clause without a condition must be the last ${CLAUSE_NAMES[kind]} clause; ` +
          `give the earlier ${CLAUSE_NAMES[kind]}${open.action === 'delete' ? 'Delete' : open.action === 'insert' ? 'Insert' : 'Update'} a condition or add it last`,
      );
    const clause: MergeClause = { kind, action };
    if (condition !== undefined) clause.condition = sqlOf(`the ${CLAUSE_NAMES[kind]} condition`, condition);
    if (assignments !== undefined) clause.assignments = assignments;
    this.clauses.push(clause);
    return this;
  }
}
