/**
 * ADD / DROP CONSTRAINT's plan (pure): the table's metadata with the `delta.constraints.<name>`
 * property added or removed, and the protocol upgrade a first CHECK constraint needs
 * (checkConstraints: writer version 3). Names are stored in lower case and compared without
 * case, as Delta Spark does; an existing name is refused rather than replaced.
 */
import { InvalidArgumentError } from '../../errors.js';
import { bind, columnsOf, parseExpression } from '../../expr/index.js';
import { protocolsEqual, requiredProtocol } from '../../protocol/properties.js';
import { assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { AddConstraintPlan, DropConstraintOptions, DropConstraintPlan } from './types.js';

export const CONSTRAINT_PREFIX = 'delta.constraints.';
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The table's CHECK constraints: name (as stored) -> expression. */
export function checkConstraintsOf(latest: Snapshot): Record<string, string> {
  return Object.fromEntries(
    Object.entries(latest.properties)
      .filter(([k]) => k.startsWith(CONSTRAINT_PREFIX))
      .map(([k, v]) => [k.slice(CONSTRAINT_PREFIX.length), v]),
  );
}

/** The stored key of constraint `name` (any case), if the table has it. */
function existingKey(latest: Snapshot, name: string): string | undefined {
  const want = `${CONSTRAINT_PREFIX}${name}`.toLowerCase();
  return Object.keys(latest.properties).find((k) => k.toLowerCase() === want);
}

function checkName(name: string): string {
  if (typeof name !== 'string' || !NAME_RE.test(name))
    throw new InvalidArgumentError(
      `constraint name ${JSON.stringify(name)} is not valid: use letters, digits and _, starting with a letter or _`,
    );
  return name.toLowerCase();
}

/** Parse and type the expression against the table: it must be a boolean over the table's columns. */
function checkExpression(latest: Snapshot, name: string, sql: string): { expression: string; columns: string[] } {
  const expression = typeof sql === 'string' ? sql.trim() : '';
  if (!expression) throw new InvalidArgumentError(`CHECK constraint ${name} needs an expression, e.g. "amount >= 0"`);
  let bound;
  try {
    bound = bind(parseExpression(expression), latest.schema);
  } catch (err) {
    throw new InvalidArgumentError(`CHECK constraint ${name} ("${expression}") is invalid: ${(err as Error).message}`);
  }
  return { expression, columns: [...new Set(columnsOf(bound).map((p) => p[0]!))] };
}

export function planAddConstraint(latest: Snapshot, name: string, sql: string): AddConstraintPlan {
  assertWritable(latest.protocol);
  const stored = checkName(name);
  const key = existingKey(latest, stored);
  if (key) {
    const old = latest.properties[key];
    throw new InvalidArgumentError(
      (say) =>
        `the table already has a CHECK constraint ${stored} (${old}); to replace it, drop it first: ` +
        say({ operation: 'dropConstraint', name: stored }),
    );
  }
  const { expression, columns } = checkExpression(latest, stored, sql);
  const configuration = { ...latest.properties, [`${CONSTRAINT_PREFIX}${stored}`]: expression };
  const protocol = requiredProtocol(configuration, latest.schema, latest.protocol);
  return {
    kind: 'add',
    readVersion: latest.version,
    name: stored,
    expression,
    columns,
    metadata: { ...latest.metadata, configuration },
    ...(protocolsEqual(protocol, latest.protocol) ? {} : { protocol }),
  };
}

export function planDropConstraint(
  latest: Snapshot,
  name: string,
  opts: DropConstraintOptions = {},
): DropConstraintPlan {
  assertWritable(latest.protocol);
  const key = typeof name === 'string' ? existingKey(latest, name) : undefined;
  if (!key) {
    if (opts.ifExists) return { kind: 'drop', readVersion: latest.version, name: String(name).toLowerCase() };
    const names = Object.keys(checkConstraintsOf(latest));
    throw new InvalidArgumentError(
      `the table has no CHECK constraint ${JSON.stringify(name)}` +
        (names.length ? `; its constraints are: ${names.join(', ')}` : '; it has no CHECK constraints'),
    );
  }
  const configuration = { ...latest.properties };
  const expression = configuration[key];
  delete configuration[key];
  return {
    kind: 'drop',
    readVersion: latest.version,
    name: key.slice(CONSTRAINT_PREFIX.length),
    expression,
    metadata: { ...latest.metadata, configuration },
  };
}
