/**
 * The CLI in-process for tests: `runCli(...argv)` runs `main(argv, io)` and returns its exit
 * code and what it printed; `peopleTable(dir)` writes the 4-row table (id, name, score, change
 * data feed on) the DML and MERGE command tests start from.
 */
import * as arrow from 'apache-arrow';
import { main } from '@delta-serverless/cli';
import { writeDeltaTable } from '@delta-serverless/core';

export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

export async function peopleTable(dir: string, props: Record<string, string> = {}): Promise<string> {
  await writeDeltaTable(
    dir,
    new arrow.Table({
      id: arrow.vectorFromArray([1n, 2n, 3n, 4n], new arrow.Int64()),
      name: arrow.vectorFromArray(['ann', 'bob', 'cy', 'di'], new arrow.Utf8()),
      score: arrow.vectorFromArray([10, 20, 30, 40], new arrow.Int32()),
    }),
    { properties: { 'delta.enableChangeDataFeed': 'true', ...props } },
  );
  return dir;
}
