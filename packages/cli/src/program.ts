/**
 * The `delta-serverless` command line: commands are defined under definitions/ (flags and
 * help, no engine code) and implemented under commands/, one module per command, imported
 * when the command runs. Errors reach the user through errors.ts, in the CLI's words.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { defineAlterCommands } from './definitions/alter.js';
import { defineAwsCommands } from './definitions/aws.js';
import { defineLocalCommands } from './definitions/local.js';
import { defineMaintenanceCommands } from './definitions/maintenance.js';
import { defineReadCommands } from './definitions/read.js';
import { defineRowLevelCommands } from './definitions/row-level.js';
import { defineWriteCommands } from './definitions/write.js';
import { processIo, type Io } from './io.js';

export type { Io } from './io.js';

/** Set by scripts/bundle-cli.ts (esbuild `define`) in the bundle; undefined when run from source. */
declare const __DS_CLI_VERSION__: string | undefined;

/** The package's version: built into the bundle, else from the first package.json above this module. */
export function cliVersion(): string {
  if (typeof __DS_CLI_VERSION__ === 'string') return __DS_CLI_VERSION__;
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dir.pathname === '/') return 'unknown';
  }
}

export function buildProgram(io: Io = processIo()): Command {
  const program = new Command('delta-serverless')
    .description('Delta Lake tables on local disk and S3: read, inspect, write and maintain')
    .version(cliVersion(), '-V, --version', 'print the version')
    .enablePositionalOptions()
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  defineReadCommands(program, io);
  defineWriteCommands(program, io);
  defineRowLevelCommands(program, io);
  defineAlterCommands(program, io);
  defineMaintenanceCommands(program, io);
  defineAwsCommands(program, io);
  defineLocalCommands(program, io);
  return program;
}

/** Every command and subcommand of the program. */
export function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const program = buildProgram(io);
  // Subcommands copy settings when created, so each needs the override too (else commander
  // calls process.exit(1) on a bad subcommand flag instead of letting us return 2).
  for (const cmd of allCommands(program)) cmd.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      return code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help' ? 0 : 2;
    }
    const { reportError } = await import('./errors.js');
    return reportError(err, io);
  }
}
