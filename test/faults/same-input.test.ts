/**
 * The same hostile input behaves the same through the CLI (`append`) and the SDK
 * (`readInputObject` + `writeDeltaTable`): the same typed error with the same message (its advice
 * worded for each: `--max-columns` on the command line, `maxColumns` in the SDK), or the same
 * rows. (test/aws/ingest-hostile.test.ts feeds the same bytes to the ingest handler.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeltaError, DeltaTable, LocalStore, writeDeltaTable } from '@delta-serverless/core';
import { readInputObject } from '@delta-serverless/core/internal';
import { main } from '../../packages/cli/src/program.js';
import { cliWords } from '../../packages/cli/src/errors.js';
import { sampleParquet, trappingFlip } from '../../packages/core/test/support/parquet-damage.js';
import { removeTempDirs, tempDir as readTempDir } from '../read/support.js';
import { validatedDirs } from '../support/validate-written.js';
import { wideCsv, wideEmptyParquet, wideNdjson } from '../support/wide-inputs.js';

afterAll(removeTempDirs);
// Every table these tests write, after a refused or failed operation too, goes through the independent validator.
const dirs = validatedDirs(readTempDir);
const tempDir = dirs.dir;

interface Outcome {
  error?: string;
  rows?: unknown[];
  /** The SDK's error message worded for the command line. */
  inCli?: string;
}

async function viaCli(file: string, extra: string[] = []): Promise<Outcome> {
  const dir = tempDir('ds-same-cli-');
  let err = '';
  const code = await main(['append', dir, file, ...extra], { out: () => undefined, err: (s) => (err += s) });
  if (code !== 0) return { error: err.replace(/^error: /, '').trim() };
  return { rows: (await (await DeltaTable.open(dir)).toArrow()).toArray().map((r) => r!.toJSON()) };
}

async function viaSdk(file: string, encoding?: string): Promise<Outcome> {
  const dir = tempDir('ds-same-sdk-');
  const input = readInputObject(new LocalStore(path.dirname(file)), path.basename(file), { encoding });
  try {
    await writeDeltaTable(dir, input);
  } catch (err) {
    expect(err).toBeInstanceOf(DeltaError);
    return { error: (err as DeltaError).message, inCli: (err as DeltaError).messageIn(cliWords) };
  }
  return { rows: (await (await DeltaTable.open(dir)).toArrow()).toArray().map((r) => r!.toJSON()) };
}

/** A file named `name` holding `bytes`, in a fresh directory. */
function input(name: string, bytes: Uint8Array | string): string {
  const file = path.join(tempDir('ds-same-in-'), name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('same input, same outcome: CLI and SDK', () => {
  it('CSV with invalid UTF-8: refused naming the line; converted with encoding latin1', async () => {
    const file = input('latin1.csv', Buffer.from('id,name\n1,caf\xe9\n', 'latin1'));
    const cli = await viaCli(file);
    expect(cli.error).toMatch(/^latin1\.csv: line 2: the CSV text is not valid UTF-8/);
    expect((await viaSdk(file)).inCli).toEqual(cli.error);
    expect((await viaSdk(file)).error).toContain(`encoding: 'latin1'`);
    expect(cli.error).toContain('--encoding latin1');
    const converted = await viaCli(file, ['--encoding', 'latin1']);
    expect(converted.rows).toEqual([{ id: 1n, name: 'café' }]);
    expect(await viaSdk(file, 'latin1')).toEqual(converted);
  });

  it('a damaged Parquet file: the same CorruptDataFileError message', async () => {
    const file = input('bad.parquet', await trappingFlip(await sampleParquet(5_000)));
    const cli = await viaCli(file);
    expect(cli.error).toMatch(/^bad\.parquet: the decoder trapped on it/);
    expect((await viaSdk(file)).inCli).toEqual(cli.error);
  });

  it.each([
    ['wide.csv', () => wideCsv(20_000, 2)],
    ['wide.ndjson', () => wideNdjson(20_000, 2)],
    ['wide.parquet', () => wideEmptyParquet(20_000)],
  ] as const)(
    '%s with 20,000 columns: refused naming the limit; --max-columns / maxColumns move it',
    async (name, make) => {
      const file = input(name, make());
      const cli = await viaCli(file);
      expect(cli.error).toMatch(/the object has 20000 .* more than the limit of 10000 \(--max-columns/);
      const sdk = await viaSdk(file);
      expect(sdk.inCli).toEqual(cli.error);
      expect(sdk.error).toMatch(/more than the limit of 10000 \(maxColumns/);
      expect((await viaCli(file, ['--max-columns', '100'])).error).toMatch(/more than the limit of 100 /);
    },
  );
});
