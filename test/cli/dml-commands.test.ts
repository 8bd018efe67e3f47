/**
 * `delete`, `update` and `changes` run in-process through `main(argv, io)`: summaries, progress
 * lines when stdout is not a terminal, the change feed in scan's encoding, one-line errors.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { validateTablesThenRemove } from '../support/validate-written.js';
import { runCli as run, peopleTable } from '../support/cli.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-cli-dml-'));
// Every table these tests wrote goes through the independent validator before the dir is removed.
afterAll(() => validateTablesThenRemove(root));

const table = (name: string, props: Record<string, string> = {}) => peopleTable(path.join(root, name), props);

describe('delete, update and changes', () => {
  test('deletion vectors: summary, then the feed in scan encoding', async () => {
    const dir = await table('dv', { 'delta.enableDeletionVectors': 'true' });
    const del = await run('delete', dir, '--where', 'id = 2');
    expect(del.code).toBe(0);
    expect(del.out).toContain('DELETE on file://');
    expect(del.out).toContain('committed version 1');
    expect(del.out).toContain('rows deleted: 1, copied: 0');
    expect(del.out).toContain('files removed: 0 (0 B), added: 0 (0 B)');
    expect(del.out).toMatch(/deletion vectors written: 1 \(0 merged with existing ones; 1 file, \d+ B\), removed: 0/);
    expect(del.out).toContain('scanning and rewriting files: done (1/1)');
    const upd = await run('update', dir, '--set', 'score = score + 1', '--set', "name = 'x=y'", '--where', 'id >= 3');
    expect(upd.code).toBe(0);
    expect(upd.out).toContain('rows updated: 2, copied: 0');
    const ch = await run('changes', dir, '--from', '1', '--format', 'ndjson');
    expect(ch.code).toBe(0);
    const rows = ch.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .sort(
        (a, b) =>
          Number(a._commit_version) - Number(b._commit_version) ||
          Number(a.id) - Number(b.id) ||
          String(a._change_type).localeCompare(String(b._change_type)),
      );
    expect(rows.map(({ _commit_timestamp, ...r }) => (expect(typeof _commit_timestamp).toBe('string'), r))).toEqual([
      { id: 2, name: 'bob', score: 20, _change_type: 'delete', _commit_version: 1 },
      { id: 3, name: 'x=y', score: 31, _change_type: 'update_postimage', _commit_version: 2 },
      { id: 3, name: 'cy', score: 30, _change_type: 'update_preimage', _commit_version: 2 },
      { id: 4, name: 'x=y', score: 41, _change_type: 'update_postimage', _commit_version: 2 },
      { id: 4, name: 'di', score: 40, _change_type: 'update_preimage', _commit_version: 2 },
    ]);
    const csv = await run('changes', dir, '--from', '1', '--to', '1', '--format', 'csv', '--columns', 'id');
    expect(csv.out.split('\n')[1]).toMatch(/^2,delete,1,/);
  });

  test('copy-on-write summary and a statement that matches nothing', async () => {
    const dir = await table('cow', {});
    const del = await run('delete', dir, '--where', 'score < 25');
    expect(del.out).toContain('rows deleted: 2, copied: 2');
    expect(del.out).toMatch(/files removed: 1 \(.+\), added: 1 \(.+\)/);
    expect(del.out).toMatch(/change data files: 1 \(/);
    const none = await run('update', dir, '--set', 'score = 0', '--where', 'id > 99');
    expect(none.out).toContain('no row matched; nothing committed (version 1)');
  });

  test('usage errors are one line with exit code 1', async () => {
    const dir = await table('errors', {});
    const noWhere = await run('delete', dir);
    expect([noWhere.code, noWhere.err]).toEqual([
      1,
      "error: delete needs --where EXPR (use --where 'true' to delete every row)\n",
    ]);
    const badSet = await run('update', dir, '--set', 'score');
    expect(badSet.code).toBe(1);
    expect(badSet.err).toMatch(/^error: expected an assignment like/);
    const noFrom = await run('changes', dir);
    expect(noFrom.err).toBe('error: changes needs --from V (the first version to read)\n');
  });
});
