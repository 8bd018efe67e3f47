/**
 * The change-stream route's last-change-per-key (ops/merge/latest.ts) against DuckDB's window
 * functions on seeded random batches: per key the highest sequence, ties broken by position.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { lastChangePerKey } from '../../packages/core/src/ops/merge/latest.js';
import { rng } from '../dml/oracle-support.js';

describe('lastChangePerKey vs DuckDB', () => {
  it('keeps the same rows for 100 seeded batches with repeated keys and sequences', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      for (let seed = 1; seed <= 100; seed++) {
        const r = rng(seed);
        const rows = Array.from({ length: 40 }, (_, pos) => ({
          pos,
          k1: Math.floor(r() * 6),
          k2: r() < 0.1 ? null : Math.floor(r() * 3),
          seq: Math.floor(r() * 10),
        }));
        const values = rows.map((x) => `(${x.pos}, ${x.k1}, ${x.k2 ?? 'NULL'}, ${x.seq})`).join(', ');
        const expected = (
          await db.runAndReadAll(
            `WITH c(pos, k1, k2, seq) AS (VALUES ${values})
             SELECT pos FROM c WHERE k2 IS NULL
             UNION ALL
             SELECT pos FROM c WHERE k2 IS NOT NULL
             QUALIFY row_number() OVER (PARTITION BY k1, k2 ORDER BY seq DESC, pos DESC) = 1
             ORDER BY pos`,
          )
        )
          .getRows()
          .map(([p]) => Number(p));
        const got = lastChangePerKey(
          rows.length,
          (i) => [rows[i]!.k1, rows[i]!.k2],
          (i) => rows[i]!.seq,
        );
        expect(got, `seed ${seed}`).toEqual(expected);
      }
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });
});
