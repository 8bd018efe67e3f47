/**
 * bind(): resolve column names against a Delta schema and settle every type, so the
 * evaluators never guess. Literals are converted once here (3 vs long -> 3n, '2024-01-01'
 * vs date -> days, '1.50' vs decimal(10,2) -> 150n); mixed types widen through explicit
 * casts; BETWEEN becomes two comparisons; `x <=> NULL` becomes `x IS NULL`.
 */
import { ExpressionError } from '../errors.js';
import type { Scalar } from '../protocol/scalar.js';
import type { DataType, StructField, StructType } from '../protocol/schema.js';
import { formatDataType } from '../protocol/schema.js';
import type { CompareOp, Expr, LiteralExpr } from './ast.js';
import { BOOLEAN_TYPE } from './bound.js';
import type { BoundColumn, BoundExpr, BoundLiteral } from './bound.js';
import { arithType, commonType, exactLiteral, isComparable, naturalLiteral } from './coerce.js';
import { compileLike } from './like.js';
import { formatPath, toSql } from './print.js';
import { castScalar, compareScalars, describeScalar, isNumeric, typesEqual } from './scalar-ops.js';

const FLIP: Record<CompareOp, CompareOp> = {
  '=': '=',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '<=>': '<=>',
};

/** Resolve and type-check a predicate against `schema`; throws ExpressionError on any mismatch. */
export function bind(expr: Expr, schema: StructType): BoundExpr {
  const bound = new Binder(schema).node(expr);
  requireBoolean(bound, expr);
  return bound;
}

/**
 * Resolve a value expression (column, literal, arithmetic, or a predicate used as a boolean
 * value) against `schema`, e.g. the right-hand side of an UPDATE SET. Untyped literals get
 * their natural type; the caller converts the result to the target column's type.
 */
export function bindValue(expr: Expr, schema: StructType): BoundExpr {
  return new Binder(schema).node(expr);
}

function requireBoolean(b: BoundExpr, e: Expr): void {
  if (b.type.type !== 'boolean')
    throw new ExpressionError(
      `expected a predicate (a boolean expression) but \`${toSql(e)}\` is of type ${formatDataType(b.type)}`,
    );
}

interface Coerced {
  value: Scalar;
  type: DataType;
  /** Set when the other operand must widen to `type`. */
  widen: boolean;
}

class Binder {
  constructor(private readonly schema: StructType) {}

  node(e: Expr): BoundExpr {
    switch (e.kind) {
      case 'column':
        return this.column(e.path);
      case 'literal':
        return standaloneLiteral(e);
      case 'and':
      case 'or': {
        const args = e.args.map((a) => this.predicate(a));
        return { kind: e.kind, args, type: BOOLEAN_TYPE };
      }
      case 'not':
        return { kind: 'not', arg: this.predicate(e.arg), type: BOOLEAN_TYPE };
      case 'isNull':
        return { kind: 'isNull', arg: this.value(e.arg), type: BOOLEAN_TYPE };
      case 'compare':
        return this.compare(e.op, e.left, e.right, e);
      case 'between':
        return {
          kind: 'and',
          args: [this.compare('>=', e.arg, e.low, e), this.compare('<=', e.arg, e.high, e)],
          type: BOOLEAN_TYPE,
        };
      case 'in':
        return this.inList(e.arg, e.list, e);
      case 'like': {
        const arg = this.value(e.arg);
        if (arg.type.type !== 'string')
          throw new ExpressionError(
            `LIKE needs a string operand, but \`${toSql(e.arg)}\` is ${formatDataType(arg.type)} (in \`${toSql(e)}\`)`,
          );
        compileLike(e.pattern, e.escape); // validate now, not at evaluation time
        return { kind: 'like', arg, pattern: e.pattern, escape: e.escape, type: BOOLEAN_TYPE };
      }
      case 'arith':
        return this.arith(e);
    }
  }

  private predicate(e: Expr): BoundExpr {
    const b = this.node(e);
    requireBoolean(b, e);
    return b;
  }

  /** A value operand: a column, literal or arithmetic (not a predicate). */
  private value(e: Expr): BoundExpr {
    const b = this.node(e);
    if (b.kind !== 'column' && b.kind !== 'literal' && b.kind !== 'arith')
      throw new ExpressionError(
        `expected a value (column, literal or arithmetic) but got the predicate \`${toSql(e)}\``,
      );
    return b;
  }

  private comparable(e: Expr, ctx: Expr): BoundExpr {
    const b = this.value(e);
    if (!isComparable(b.type))
      throw new ExpressionError(
        `cannot compare \`${toSql(e)}\` of type ${formatDataType(b.type)} (in \`${toSql(ctx)}\`); ` +
          'only primitive columns can be compared — compare a nested field instead (e.g. a.b)',
      );
    return b;
  }

  private compare(op: CompareOp, l: Expr, r: Expr, ctx: Expr): BoundExpr {
    if (l.kind === 'literal' && r.kind !== 'literal') return this.compare(FLIP[op], r, l, ctx);
    if (l.kind === 'literal' && r.kind === 'literal' && (l.value === null || r.value === null))
      return literalBool(op === '<=>' ? l.value === null && r.value === null : null);
    let left = this.comparable(l, ctx);
    let right: BoundExpr;
    if (r.kind === 'literal') {
      const c = this.coerce(r, left, l, ctx);
      if (c.widen) left = cast(left, c.type);
      right = { kind: 'literal', value: c.value, type: c.type };
    } else {
      right = this.comparable(r, ctx);
      const t = commonType(left.type, right.type);
      if (!t) throw incompatible(l, left.type, r, right.type, ctx);
      left = cast(left, t);
      right = cast(right, t);
    }
    if (op === '<=>' && right.kind === 'literal' && right.value === null) {
      if (left.kind === 'literal') return literalBool(left.value === null);
      return { kind: 'isNull', arg: left, type: BOOLEAN_TYPE };
    }
    if (left.kind === 'literal' && right.kind === 'literal') return foldCompare(op, left, right);
    return { kind: 'compare', op, left, right, type: BOOLEAN_TYPE };
  }

  private inList(argExpr: Expr, list: readonly LiteralExpr[], ctx: Expr): BoundExpr {
    let arg = this.comparable(argExpr, ctx);
    const coerced = list.map((l) => this.coerce(l, arg, argExpr, ctx));
    let domain = arg.type;
    for (const c of coerced) if (c.widen) domain = commonType(domain, c.type) ?? domain;
    arg = cast(arg, domain);
    const values: Scalar[] = [];
    let hasNull = false;
    for (const c of coerced) {
      if (c.value === null) hasNull = true;
      else values.push(castScalar(c.value, c.type, domain));
    }
    return { kind: 'in', arg, values, hasNull, type: BOOLEAN_TYPE };
  }

  /** Convert literal `lit` for comparison with `other` (an already bound operand). */
  private coerce(lit: LiteralExpr, other: BoundExpr, otherExpr: Expr, ctx: Expr): Coerced {
    const target = other.type;
    if (lit.value === null) return { value: null, type: target, widen: false };
    let value: Scalar;
    let type: DataType;
    if (lit.type === undefined) {
      let exact: Scalar | undefined;
      try {
        exact = exactLiteral(lit.value, target);
      } catch (err) {
        throw new ExpressionError(
          `cannot compare \`${toSql(otherExpr)}\` (${formatDataType(target)}) with ${describeScalar(lit.value)}: ` +
            `${(err as Error).message} (in \`${toSql(ctx)}\`)`,
        );
      }
      if (exact !== undefined) return { value: exact, type: target, widen: false };
      const nat = naturalLiteral(lit.value);
      if (!nat)
        throw new ExpressionError(`literal ${describeScalar(lit.value)} is out of range (in \`${toSql(ctx)}\`)`);
      ({ value, type } = nat);
    } else {
      type = lit.type;
      value = typedLiteralValue(lit.value, type);
    }
    if (typesEqual(type, target)) return { value, type, widen: false };
    const common = commonType(target, type);
    if (!common) throw incompatible(otherExpr, target, lit, type, ctx);
    return { value: castScalar(value, type, common), type: common, widen: !typesEqual(common, target) };
  }

  private arith(e: Extract<Expr, { kind: 'arith' }>): BoundExpr {
    const operand = (x: Expr): BoundExpr => {
      const b = x.kind === 'literal' && x.type === undefined && x.value !== null ? standaloneLiteral(x) : this.value(x);
      if (b.kind === 'literal' && b.value === null) return b;
      if (!isNumeric(b.type))
        throw new ExpressionError(
          `arithmetic needs numeric operands, but \`${toSql(x)}\` is ${formatDataType(b.type)} (in \`${toSql(e)}\`)`,
        );
      return b;
    };
    let left = operand(e.left);
    let right = operand(e.right);
    // An untyped NULL operand takes the other operand's type.
    if (left.kind === 'literal' && left.value === null) left = { ...left, type: right.type };
    if (right.kind === 'literal' && right.value === null) right = { ...right, type: left.type };
    const type = arithType(e.op, left.type, right.type);
    return { kind: 'arith', op: e.op, left: cast(left, type), right: cast(right, type), type };
  }

  private column(path: readonly string[]): BoundColumn {
    let fields: StructField[] = this.schema.fields;
    const resolved: string[] = [];
    let field: StructField | undefined;
    let nullable = false;
    for (let i = 0; i < path.length; i++) {
      field = findName(fields, path[i], path);
      if (!field) {
        const where = resolved.length ? `struct ${formatPath(resolved)}` : 'the table schema';
        throw new ExpressionError(
          `column ${formatPath(path)} does not exist: no field "${path[i]}" in ${where}; ` +
            `available columns: ${listColumns(this.schema.fields).join(', ') || '(none)'}`,
        );
      }
      resolved.push(field.name);
      nullable ||= field.nullable;
      if (i < path.length - 1) {
        if (field.type.type !== 'struct')
          throw new ExpressionError(
            `column ${formatPath(resolved)} is ${formatDataType(field.type)}, not a struct, so ${formatPath(path)} does not exist`,
          );
        fields = field.type.fields;
      }
    }
    return { kind: 'column', path: resolved, type: field!.type, nullable };
  }
}

// Exact name first, then a unique case-insensitive match (Spark resolves names case-insensitively).
function findName(fields: StructField[], name: string, path: readonly string[]): StructField | undefined {
  const exact = fields.find((f) => f.name === name);
  if (exact) return exact;
  const lower = name.toLowerCase();
  const matches = fields.filter((f) => f.name.toLowerCase() === lower);
  if (matches.length > 1)
    throw new ExpressionError(
      `column ${formatPath(path)} is ambiguous: "${name}" matches ${matches.map((f) => `"${f.name}"`).join(' and ')}; use the exact case`,
    );
  return matches[0];
}

function listColumns(fields: StructField[], prefix: string[] = [], out: string[] = []): string[] {
  for (const f of fields) {
    const p = [...prefix, f.name];
    out.push(formatPath(p));
    if (f.type.type === 'struct') listColumns(f.type.fields, p, out);
  }
  return out;
}

function standaloneLiteral(e: LiteralExpr): BoundLiteral {
  if (e.type) return { kind: 'literal', value: typedLiteralValue(e.value, e.type), type: e.type };
  if (e.value === null) return { kind: 'literal', value: null, type: BOOLEAN_TYPE };
  const nat = naturalLiteral(e.value);
  if (!nat) throw new ExpressionError(`literal ${describeScalar(e.value)} is out of range`);
  return { kind: 'literal', value: nat.value, type: nat.type };
}

/** Check (and normalise, e.g. number -> bigint for long) a literal that carries an explicit type. */
function typedLiteralValue(value: Scalar, type: DataType): Scalar {
  if (value === null || fitsRepresentation(value, type)) return value;
  let v: Scalar | undefined;
  try {
    v = exactLiteral(value, type);
  } catch {
    v = undefined;
  }
  if (v === undefined)
    throw new ExpressionError(`literal ${describeScalar(value)} is not a valid ${formatDataType(type)} value`);
  return v;
}

function fitsRepresentation(v: Scalar, t: DataType): boolean {
  switch (t.type) {
    case 'byte':
    case 'short':
    case 'integer':
    case 'float':
    case 'double':
    case 'date':
      return typeof v === 'number';
    case 'long':
    case 'decimal':
    case 'timestamp':
    case 'timestamp_ntz':
      return typeof v === 'bigint';
    case 'string':
      return typeof v === 'string';
    case 'binary':
      return v instanceof Uint8Array;
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return false;
  }
}

function cast(e: BoundExpr, to: DataType): BoundExpr {
  if (typesEqual(e.type, to)) return e;
  if (e.kind === 'literal') return { kind: 'literal', value: castScalar(e.value, e.type, to), type: to };
  return { kind: 'cast', arg: e, type: to };
}

function literalBool(v: boolean | null): BoundLiteral {
  return { kind: 'literal', value: v, type: BOOLEAN_TYPE };
}

function foldCompare(op: CompareOp, l: BoundLiteral, r: BoundLiteral): BoundLiteral {
  if (l.value === null || r.value === null) return literalBool(op === '<=>' ? l.value === r.value : null);
  const c = compareScalars(l.value, r.value);
  const table: Record<CompareOp, boolean> = {
    '=': c === 0,
    '<=>': c === 0,
    '!=': c !== 0,
    '<': c < 0,
    '<=': c <= 0,
    '>': c > 0,
    '>=': c >= 0,
  };
  return literalBool(table[op]);
}

function incompatible(l: Expr, lt: DataType, r: Expr, rt: DataType, ctx: Expr): ExpressionError {
  return new ExpressionError(
    `cannot compare \`${toSql(l)}\` (${formatDataType(lt)}) with \`${toSql(r)}\` (${formatDataType(rt)}) ` +
      `in \`${toSql(ctx)}\`; use a literal of the column's type (e.g. DATE '2024-01-01', TIMESTAMP '2024-01-01 00:00:00')`,
  );
}
