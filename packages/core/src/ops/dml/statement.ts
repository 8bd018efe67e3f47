/**
 * A plan's statement made executable in one worker: the schema, the bound predicate, UPDATE's
 * assignments and the table's CHECK constraints, all rebuilt from the plan's JSON context.
 */
import { bind, columnsOf, parseExpression, type BoundExpression } from '../../expr/index.js';
import { parseSchemaString, type StructType } from '../../protocol/schema.js';
import type { TableColumns } from '../../read/file-stats.js';
import { tableConstraints, type Constraint } from '../../write/constraints.js';
import { compileAssignments, type Assignment } from './assign.js';
import type { DmlContext } from './types.js';

export interface CompiledStatement {
  context: DmlContext;
  schema: StructType;
  cols: TableColumns;
  predicate?: BoundExpression;
  /** Top-level columns the predicate reads. */
  predicateColumns: string[];
  assignments: Assignment[];
  constraints: Constraint[];
}

export function compileStatement(context: DmlContext): CompiledStatement {
  const schema = parseSchemaString(context.schemaString);
  const predicate = context.predicate !== undefined ? bind(parseExpression(context.predicate), schema) : undefined;
  const assignments = context.set ? compileAssignments(schema, context.set) : [];
  return {
    context,
    schema,
    cols: { schema, mode: context.columnMapping, partitionColumns: new Set(context.partitionColumns) },
    predicate,
    predicateColumns: predicate ? [...new Set(columnsOf(predicate).map((p) => p[0]!))] : [],
    assignments,
    constraints: assignments.length > 0 ? tableConstraints(context.configuration, schema) : [],
  };
}
