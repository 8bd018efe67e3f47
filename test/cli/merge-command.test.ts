/**
 * `merge <table> <source-file>... --on ... --when-...` in-process through `main(argv, io)`:
 * CSV / NDJSON / Parquet sources, every flag form of the issue, the summary of Spark's
 * metrics, progress lines, and errors worded with the CLI's flags.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, test } from 'vitest';
import { DeltaTable, writeDeltaTable } from '@delta-serverless/core';
import { validateTablesThenRemove } from '../support/validate-written.js';
import { runCli as run, peopleTable } from '../support/cli.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-merge-'));
// Every table these tests wrote goes through the independent validator before the dir is removed.
afterAll(() => validateTablesThenRemove(root));

const table = (name: string, props: Record<string, string> = {}) => peopleTable(path.join(root, name), props);

function file(name: string, text: string): string {
  const p = path.join(root, name);
  fs.writeFileSync(p, text);
  return p;
}

async function rows(dir: string): Promise<unknown[][]> {
  const t = await (await DeltaTable.open(dir)).toArrow();
  const out: unknown[][] = [];
  for (const b of t.batches)
    for (let i = 0; i < b.numRows; i++) out.push(b.schema.fields.map((f) => b.getChild(f.name)!.get(i) as unknown));
  return out
    .map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)))
    .sort((a, b) => Number(a[0]) - Number(b[0]));
}

describe('merge', () => {
  test('upsert from CSV: update-all and insert-all, with a summary of the metrics', async () => {
    const dir = await table('upsert');
    const src = file('upsert.csv', 'id,name,score\n2,bob2,21\n5,eve,50\n');
    const r = await run(
      'merge',
      dir,
      src,
      '--on',
      't.id = s.id',
      '--when-matched',
      'update-all',
      '--when-not-matched',
      'insert-all',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('MERGE into file://');
    expect(r.out).toContain('committed version 1');
    expect(r.out).toContain('source rows: 2');
    expect(r.out).toContain('target rows inserted: 1, updated: 1 (matched 1, not matched by source 0), deleted: 0');
    expect(r.out).toContain('copied: 3');
    expect(r.out).toMatch(/files removed: 1 \(.+\), added: \d+ \(.+\)/);
    expect(r.out).toContain('joining and rewriting target files: done (1/1)');
    expect(await rows(dir)).toEqual([
      [1, 'ann', 10],
      [2, 'bob2', 21],
      [3, 'cy', 30],
      [4, 'di', 40],
      [5, 'eve', 50],
    ]);
  });

  test("'update set ...' from NDJSON, delete by source, on a deletion-vector table", async () => {
    const dir = await table('set', { 'delta.enableDeletionVectors': 'true' });
    const src = file('set.ndjson', '{"id": 3, "name": "x", "score": 5}\n{"id": 4, "name": "y", "score": 6}\n');
    const r = await run(
      'merge',
      dir,
      src,
      '--on',
      't.id = s.id',
      '--when-matched',
      "update set score = t.score + s.score, name = concat_ws('a, b')",
      '--when-not-matched-by-source',
      'delete',
    );
    // concat_ws is not a function the engine knows: one line naming it.
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: .*concat_ws/);
    const ok = await run(
      'merge',
      dir,
      src,
      '--format',
      'ndjson',
      '--on',
      't.id = s.id',
      '--when-matched',
      "update set score = t.score + s.score, name = 'a, b'",
    );
    expect(ok.err).toBe('');
    expect(ok.out).toContain('updated: 2 (matched 2, not matched by source 0), deleted: 0');
    expect(ok.out).toContain('deletion vectors added: 1, removed: 0, updated: 0');
    expect(ok.out).toMatch(/files removed: 0 \(0 B\), added: 1 /);
    const gone = await run('merge', dir, src, '--on', 't.id = s.id', '--when-not-matched-by-source', 'delete');
    expect(gone.out).toContain('deleted: 2 (matched 0, not matched by source 2)');
    expect(await rows(dir)).toEqual([
      [3, 'a, b', 35],
      [4, 'a, b', 46],
    ]);
  });

  test('delete matched rows from Parquet; nothing matched commits nothing', async () => {
    const dir = await table('del');
    const srcDir = path.join(root, 'del-src');
    await writeDeltaTable(srcDir, new arrow.Table({ id: arrow.vectorFromArray([1n, 9n], new arrow.Int64()) }));
    const parquet = fs.readdirSync(srcDir).find((f) => f.endsWith('.parquet'))!;
    const r = await run('merge', dir, path.join(srcDir, parquet), '--on', 't.id = s.id', '--when-matched', 'delete');
    expect(r.out).toContain('deleted: 1 (matched 1, not matched by source 0)');
    const none = await run(
      'merge',
      dir,
      path.join(srcDir, parquet),
      '--on',
      't.id = s.id AND s.id > 100',
      '--when-matched',
      'delete',
    );
    expect(none.out).toContain('no target row changed and none inserted; nothing committed (version 1)');
  });

  test("clause conditions ('<action> if <condition>') and repeated clause flags, tried in order", async () => {
    const dir = await table('conditions');
    const src = file('conditions.csv', 'id,name,score\n1,A,5\n2,B,25\n3,C,35\n6,F,60\n7,G,-1\n');
    const r = await run(
      'merge',
      dir,
      src,
      '--on',
      't.id = s.id',
      '--when-matched',
      'delete if s.score < t.score',
      '--when-matched',
      "update set name = 'x if y' if s.name <> 'C'",
      '--when-matched',
      'update-all',
      '--when-not-matched',
      'insert-all IF s.score > 0',
      '--when-not-matched-by-source',
      'update set score = t.score + 1 if t.score > 35',
    );
    expect(r.err).toBe('');
    expect(r.out).toContain('target rows inserted: 1, updated: 3 (matched 2, not matched by source 1), deleted: 1');
    expect(await rows(dir)).toEqual([
      [2, 'x if y', 20],
      [3, 'C', 35],
      [4, 'di', 41],
      [6, 'F', 60],
    ]);
    const [entry] = await (await DeltaTable.open(dir)).history({ limit: 1 });
    expect(entry!.operationParameters).toMatchObject({
      matchedPredicates: JSON.stringify([
        { actionType: 'delete', predicate: 's.score < t.score' },
        { actionType: 'update', predicate: "s.name <> 'C'" },
        { actionType: 'update' },
      ]),
      notMatchedPredicates: JSON.stringify([{ actionType: 'insert', predicate: 's.score > 0' }]),
      notMatchedBySourcePredicates: JSON.stringify([{ actionType: 'update', predicate: 't.score > 35' }]),
    });
  });

  test('errors are worded with the flags', async () => {
    const dir = await table('errors');
    const src = file('errors.csv', 'id,name\n1,a\n1,b\n');
    const cases: [string[], RegExp][] = [
      [['--on', 't.id = s.id'], /at least one of --when-matched, --when-not-matched and --when-not-matched-by-source/],
      [['--on', 't.id = s.id', '--when-matched', 'upsert'], /--when-matched must be update-all, delete or 'update set/],
      [['--on', 't.id = s.id', '--when-not-matched', 'insert'], /--when-not-matched must be insert-all/],
      [['--on', 't.id = s.id', '--when-matched', 'update-all'], /--when-matched update-all needs source column score/],
      [
        ['--on', 't.id = s.id', '--when-matched', 'update set name = s.name'],
        /2 source rows matched the same target row \(id = 1\)/,
      ],
      [
        ['--on', 't.id = s.id', '--when-matched', 'delete', '--max-source-bytes', '10'],
        /over --max-source-bytes \(10\)/,
      ],
      [['--on', 'id = s.id', '--when-matched', 'delete'], /write t\.id .* or s\.id/],
      [
        ['--on', 't.id = s.id', '--when-matched', 'update-all', '--when-matched', 'delete if s.id > 1'],
        /--when-matched "update-all" has no condition but is not the last --when-matched/,
      ],
      [
        ['--on', 't.id = s.id', '--when-matched', 'delete if '],
        /--when-matched "delete if ": the condition after 'if' is empty/,
      ],
      [
        ['--on', 't.id = s.id', '--when-not-matched', 'insert-all if t.id > 1'],
        /the --when-not-matched insert-all condition reads t\.id, but a not-matched source row has no target row/,
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await run('merge', dir, src, ...flags);
      expect(r.code, flags.join(' ')).toBe(1);
      expect(r.err, flags.join(' ')).toMatch(message);
      expect(r.err.split('\n').length, r.err).toBe(2);
    }
    const noOn = await run('merge', dir, src, '--when-matched', 'delete');
    expect([noOn.code, noOn.err]).toEqual([2, expect.stringMatching(/required option '--on <condition>'/)]);
    expect((await DeltaTable.open(dir)).version).toBe(0);
  });
});
