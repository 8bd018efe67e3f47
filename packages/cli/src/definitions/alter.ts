/** Commands that change a table's definition after creation: properties, constraints (ALTER TABLE). */
import { Argument, type Command } from 'commander';
import type { Io } from '../io.js';
import type { ConstraintsCommandOptions } from '../commands/constraints.js';
import type { PropertiesCommandOptions } from '../commands/properties.js';
import { load, storageOption } from './shared.js';

export function defineAlterCommands(program: Command, io: Io): void {
  program
    .command('properties')
    .description('list table properties; set or unset them (ALTER TABLE SET / UNSET TBLPROPERTIES)')
    .usage('<table> [set <key=value>... | unset <key>...] [options]')
    .argument('<table>', 'table path or URI')
    .addArgument(
      new Argument('[action]', 'set key=value..., or unset key... (default: list)').choices(['set', 'unset']),
    )
    .argument('[args...]', 'set: key=value pairs; unset: property keys')
    .option('--if-exists', 'unset: succeed for keys the table does not have')
    .option('--json', 'list as JSON')
    .addOption(storageOption())
    .addHelpText(
      'after',
      '\nProperties that need a table feature upgrade the protocol in the same commit (e.g.\n' +
        'delta.enableDeletionVectors=true); known delta.* values are checked, unknown delta.* keys refused.\n\n' +
        'Examples:\n  delta-serverless properties ./t set delta.enableDeletionVectors=true team.owner=data\n' +
        '  delta-serverless properties ./t unset delta.appendOnly\n',
    )
    .action(async (uri: string, action: 'set' | 'unset' | undefined, args: string[], opts: PropertiesCommandOptions) =>
      (await load([uri], () => import('../commands/properties.js'))).propertiesCommand(uri, action, args, opts, io.out),
    );

  program
    .command('constraints')
    .description('list CHECK constraints; add one (checked against the existing rows first) or drop one')
    .usage('<table> [add <name> <expr> | drop <name>] [options]')
    .argument('<table>', 'table path or URI')
    .addArgument(new Argument('[action]', 'add NAME EXPR, or drop NAME (default: list)').choices(['add', 'drop']))
    .argument('[args...]', "add: the constraint's NAME and its expression as one argument; drop: the NAME")
    .option('--if-exists', 'drop: succeed without change when there is no such constraint')
    .option('--json', 'list as JSON (name -> expression)')
    .addOption(storageOption())
    .addHelpText(
      'after',
      "\nExamples:\n  delta-serverless constraints ./t add positive_amount 'amount > 0'\n" +
        '  delta-serverless constraints ./t drop positive_amount\n',
    )
    .action(async (uri: string, action: 'add' | 'drop' | undefined, args: string[], opts: ConstraintsCommandOptions) =>
      (await load([uri], () => import('../commands/constraints.js'))).constraintsCommand(
        uri,
        action,
        args,
        opts,
        io.out,
      ),
    );
}
