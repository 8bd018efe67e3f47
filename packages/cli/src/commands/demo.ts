/**
 * `demo`: a guided tour on this machine, no services needed. It writes a partitioned
 * table (three commits), reads it back with a filter and with time travel, replaces one
 * partition, restores, and — when the conformance corpus sits beside the checkout — reads
 * a table written by Apache Spark.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import * as arrow from 'apache-arrow';
import { describeCommand } from './describe.js';
import { historyCommand } from './history.js';
import { scanCommand } from './scan.js';

export interface DemoOptions {
  dir?: string;
  keep?: boolean;
}

function sales(day: string, startId: number, n: number): arrow.Table {
  const countries = ['NZ', 'AU', 'US', 'DE'];
  return arrow.tableFromArrays({
    id: BigInt64Array.from({ length: n }, (_, i) => BigInt(startId + i)),
    country: Array.from({ length: n }, (_, i) => countries[(startId + i) % countries.length]!),
    day: Array.from({ length: n }, () => day),
    amount: Float64Array.from({ length: n }, (_, i) => Math.round(((startId + i) * 37) % 1000) / 10),
  });
}

function corpusTable(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const t = path.resolve(here, '../../../../../shared/conformance/delta-rs/simple_table');
  return fs.existsSync(path.join(t, '_delta_log')) ? t : undefined;
}

export async function demoCommand(opts: DemoOptions, out: (s: string) => void): Promise<void> {
  const dir = opts.dir ? path.resolve(opts.dir) : fs.mkdtempSync(path.join(os.tmpdir(), 'delta-serverless-demo-'));
  const table = path.join(dir, 'sales');
  const step = (title: string) => out(`\n== ${title}\n`);
  try {
    step(`write three commits to ${table} (partitioned by country)`);
    for (const [i, day] of ['2026-11-01', '2026-11-02', '2026-11-03'].entries()) {
      const r = await writeDeltaTable(table, sales(day, i * 1000, 1000), { partitionBy: ['country'] });
      out(
        `version ${r.version}: ${r.metrics.numOutputRows} rows in ${r.metrics.numFiles} files${r.created ? ' (table created)' : ''}\n`,
      );
    }
    step('describe');
    await describeCommand(table, {}, out);
    step('scan --where "country = \'NZ\' AND amount > 95" --columns id,day,amount');
    await scanCommand(
      table,
      { format: 'table', where: "country = 'NZ' AND amount > 95", columns: 'id,day,amount', limit: '5' },
      out,
    );
    const t = await DeltaTable.open(table);
    const pruned = t.scan({ filter: "country = 'NZ'" });
    await pruned.toArrow();
    out(`partition pruning: read ${pruned.metrics!.filesRead} of ${pruned.metrics!.filesInSnapshot} files\n`);
    step('time travel: scan --version 0 (count per day)');
    const v0 = await t.toArrow({ version: 0, columns: ['day'] });
    out(`version 0 has ${v0.numRows} rows; latest has ${(await t.toArrow({ columns: ['day'] })).numRows}\n`);
    step('overwrite --replace-where "country = \'DE\'" with 40 new rows');
    const de = sales('2026-11-04', 10_000, 40);
    const deOnly = arrow.tableFromArrays({
      id: de.getChild('id')!.toArray() as BigInt64Array,
      country: Array.from({ length: 40 }, () => 'DE'),
      day: Array.from({ length: 40 }, () => '2026-11-04'),
      amount: de.getChild('amount')!.toArray() as Float64Array,
    });
    const ow = await t.overwrite(deOnly, { replaceWhere: "country = 'DE'" });
    out(`version ${ow.version}: removed ${ow.metrics.numRemovedFiles} files, wrote ${ow.metrics.numOutputRows} rows\n`);
    step('restore --version 2');
    const rs = await t.restore({ version: 2 });
    out(
      `version ${rs.version}: restored ${rs.metrics.numRestoredFiles} files, removed ${rs.metrics.numRemovedFiles}\n`,
    );
    step('history');
    await historyCommand(table, {}, out);
    const spark = corpusTable();
    if (spark) {
      step(`a table written by another engine: ${spark}`);
      await describeCommand(spark, {}, out);
      await scanCommand(spark, { format: 'ndjson' }, out);
      await historyCommand(spark, { limit: '3' }, out);
    }
    out(opts.keep || opts.dir ? `\ndone. table left at ${table}\n` : '\ndone.\n');
  } finally {
    if (!opts.keep && !opts.dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}
