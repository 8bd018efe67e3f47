/**
 * `demo`: a guided tour on a real Delta table. Until the write path lands it reads a table
 * from the conformance corpus (written by Spark) and shows what the reader does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@delta-serverless/core';
import { describeCommand } from './describe.js';
import { historyCommand } from './history.js';
import { scanCommand } from './scan.js';

export interface DemoOptions {
  table?: string;
}

function defaultTable(): string {
  // packages/cli/{src,dist}/commands -> repository root -> ../shared/conformance
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '../../../../../shared/conformance/delta-rs/simple_table');
}

export async function demoCommand(opts: DemoOptions, out: (s: string) => void): Promise<void> {
  const table = opts.table ?? defaultTable();
  if (!fs.existsSync(path.join(table, '_delta_log'))) {
    throw new InvalidArgumentError(`demo table ${table} not found; pass --table <path to a Delta table>`);
  }
  const step = (title: string) => out(`\n== ${title}\n`);
  step(`describe ${table}`);
  await describeCommand(table, {}, out);
  step('history');
  await historyCommand(table, {}, out);
  step('scan (latest version)');
  await scanCommand(table, { format: 'table' }, out);
  step('scan --version 0 (time travel)');
  await scanCommand(table, { format: 'table', version: '0' }, out);
  step("scan --where 'id >= 7' --format ndjson");
  await scanCommand(table, { format: 'ndjson', where: 'id >= 7' }, out);
}
