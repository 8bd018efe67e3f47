/**
 * `constraints <table>` lists the CHECK constraints; `constraints <table> add NAME EXPR` adds
 * one once every existing row satisfies it; `constraints <table> drop NAME` removes one
 * (ALTER TABLE ADD / DROP CONSTRAINT).
 */
import { DeltaTable, InvalidArgumentError } from '@delta-serverless/core';
import { openOptions, type CommonOptions } from './common.js';
import { counted, formatCount } from '../output/format.js';
import { renderTable } from '../output/table.js';

export interface ConstraintsCommandOptions extends CommonOptions {
  ifExists?: boolean;
  json?: boolean;
}

type Out = (s: string) => void;

function list(table: DeltaTable, opts: ConstraintsCommandOptions, out: Out): void {
  const constraints = table.constraints();
  if (opts.json) return out(JSON.stringify(constraints, null, 2) + '\n');
  const rows = Object.entries(constraints);
  if (rows.length === 0) return out(`no CHECK constraints (version ${table.version})\n`);
  for (const l of renderTable([{ header: 'name' }, { header: 'expression' }], rows)) out(`${l}\n`);
}

async function add(table: DeltaTable, args: readonly string[], out: Out): Promise<void> {
  if (args.length !== 2)
    throw new InvalidArgumentError(
      `constraints add takes a NAME and an expression (quoted as one argument), e.g. ` +
        `\`delta-serverless constraints <table> add positive_amount 'amount > 0'\`; got ${counted(args.length, 'argument')}`,
    );
  const r = await table.addConstraint(args[0]!, args[1]!);
  const c = r.check!;
  const skipped = c.filesSkipped ? `, ${formatCount(c.filesSkipped)} skipped by their statistics` : '';
  out(
    `version ${r.version}: CHECK constraint ${r.name} (${r.expression ?? ''}) added; no existing row violates it ` +
      `(${counted(c.filesRead, 'file')} read${skipped})\n`,
  );
}

async function drop(table: DeltaTable, args: readonly string[], opts: ConstraintsCommandOptions, out: Out) {
  if (args.length !== 1)
    throw new InvalidArgumentError(
      `constraints drop takes one NAME, e.g. \`delta-serverless constraints <table> drop positive_amount\`; ` +
        `got ${counted(args.length, 'argument')}`,
    );
  const r = await table.dropConstraint(args[0]!, { ifExists: opts.ifExists });
  out(
    r.changed
      ? `version ${r.version}: CHECK constraint ${r.name} (${r.expression ?? ''}) dropped\n`
      : `no CHECK constraint ${args[0]!}; nothing changed (version ${r.version})\n`,
  );
}

export async function constraintsCommand(
  uri: string,
  action: 'add' | 'drop' | undefined,
  args: readonly string[],
  opts: ConstraintsCommandOptions,
  out: Out,
): Promise<void> {
  if (action === undefined && args.length > 0)
    throw new InvalidArgumentError(`constraints: expected add or drop after the table, got "${args[0]!}"`);
  if (opts.ifExists && action !== 'drop')
    throw new InvalidArgumentError('--if-exists goes with `constraints <table> drop`');
  const table = await DeltaTable.open(uri, openOptions(opts));
  if (action === 'add') return add(table, args, out);
  if (action === 'drop') return drop(table, args, opts, out);
  list(table, opts, out);
}
