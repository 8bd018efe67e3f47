/**
 * Child process of the memory tests: append one input file to a table through the SDK
 * (`readInputObject` + `writeDeltaTable`, the code the CLI's `append` and the ingest handler
 * run), then print the exit status and the process's peak RSS (VmHWM, kB) on stderr.
 *
 *   node --conditions=source --import tsx test/support/append-child.ts <table> <file>
 *
 * DS_MAX_COLUMNS sets readInputObject's maxColumns (bench/wide-inputs.ts).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalStore, writeDeltaTable } from '@delta-serverless/core';
import { readInputObject } from '@delta-serverless/core/internal';

const [table, file] = process.argv.slice(2) as [string, string];
process.on('exit', () => {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  process.stderr.write(`VmHWM ${kb}\n`);
});
try {
  const maxColumns = process.env['DS_MAX_COLUMNS'] ? Number(process.env['DS_MAX_COLUMNS']) : undefined;
  const input = readInputObject(new LocalStore(path.dirname(file)), path.basename(file), { maxColumns });
  await writeDeltaTable(table, input);
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
