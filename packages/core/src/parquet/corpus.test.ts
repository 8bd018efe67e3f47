/**
 * Real Parquet files from the conformance corpus (Spark, delta-rs, Databricks writers):
 * every file opens and reads; INT96 timestamps decode exactly (year 9999, pre-1970);
 * footer statistics agree with the `add.stats` the writer put in the Delta log.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { formatTimestampMicros, parseStatsValue, type Scalar } from '../protocol/scalar.js';
import { parseSchemaString, type DataType, type StructType } from '../protocol/schema.js';
import { listAll } from '../storage/object-store.js';
import { LocalStore } from '../storage/local-store.js';
import { openParquetFile } from './reader.js';
import { CORPUS } from '../../../../test/support/corpus.js';

const corpus = new LocalStore(CORPUS);

async function readBatches(store: LocalStore, path: string): Promise<arrow.RecordBatch[]> {
  const file = await openParquetFile(store, path);
  try {
    const out: arrow.RecordBatch[] = [];
    for await (const b of file.readBatches()) out.push(b);
    return out;
  } finally {
    file.close();
  }
}

/** Timestamp column values as ISO strings (from the raw microseconds). */
function isoColumn(batches: arrow.RecordBatch[], name: string): (string | null)[] {
  return batches.flatMap((b) => {
    const data = b.getChild(name)!.data[0]!;
    expect(String(data.type)).toBe('Timestamp<MICROSECOND, UTC>');
    const values = data.values as BigInt64Array;
    return Array.from(values, (v, i) => (data.getValid(i) ? formatTimestampMicros(v, true) : null));
  });
}

describe('conformance corpus Parquet files', () => {
  it('opens and reads every *.parquet file', async () => {
    const files = (await listAll(corpus, '')).filter((m) => m.path.endsWith('.parquet'));
    expect(files.length).toBeGreaterThan(500);
    for (const meta of files) {
      const file = await openParquetFile(corpus, meta.path, { size: meta.size });
      try {
        let rows = 0;
        for await (const b of file.readBatches()) rows += b.numRows;
        expect(rows, meta.path).toBe(file.metadata.numRows);
        expect(file.arrowSchema().fields.length, meta.path).toBeGreaterThan(0);
      } finally {
        file.close();
      }
    }
  });

  it('decodes INT96 timestamps beyond the nanosecond range (year 9999)', async () => {
    const table = new LocalStore(join(CORPUS, 'delta-rs/table_with_edge_timestamps'));
    const expected = JSON.parse(
      readFileSync(join(CORPUS, 'delta-rs/table_with_edge_timestamps.expected.json'), 'utf8'),
    );
    const rows: unknown[][] = [];
    for (const m of await listAll(table, 'part-')) {
      const batches = await readBatches(table, m.path);
      const big = isoColumn(batches, 'BIG_DATE');
      const normal = isoColumn(batches, 'NORMAL_DATE');
      const some = batches.flatMap((b) => [...b.getChild('SOME_VALUE')!]);
      big.forEach((v, i) => rows.push([v, normal[i], some[i]]));
    }
    rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    expect(rows).toEqual(expected.rows);
    expect(rows[1]![0]).toBe('9999-12-31T00:00:00.000000Z');
  });

  it('decodes INT96 timestamps of kernel-timestamp-int96 (pre-1970 and nulls)', async () => {
    const table = new LocalStore(join(CORPUS, 'delta-golden/kernel-timestamp-int96'));
    const expected = JSON.parse(
      readFileSync(join(CORPUS, 'delta-golden/kernel-timestamp-int96.expected.json'), 'utf8'),
    );
    const got: unknown[][] = [];
    for (const m of await listAll(table, '')) {
      if (!m.path.endsWith('.parquet')) continue;
      const batches = await readBatches(table, m.path);
      const time = isoColumn(batches, 'time');
      const ids = batches.flatMap((b) => [...b.getChild('id')!]);
      ids.forEach((id, i) => got.push([id, time[i]]));
    }
    got.sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(got).toEqual((expected.rows as unknown[][]).map((r) => [r[0], r[2]]));
  });

  it('reads dictionary-encoded decimals in data page v2 (parquet-decimal-dictionaries-v2)', async () => {
    const table = new LocalStore(join(CORPUS, 'delta-golden/parquet-decimal-dictionaries-v2'));
    const expected = JSON.parse(
      readFileSync(join(CORPUS, 'delta-golden/parquet-decimal-dictionaries-v2.expected.json'), 'utf8'),
    );
    const [data] = (await listAll(table, 'part-')).map((m) => m.path);
    const sums: Record<string, bigint> = { id: 0n, col1: 0n, col2: 0n, col3: 0n };
    let rows = 0;
    for (const b of await readBatches(table, data!)) {
      rows += b.numRows;
      for (const v of b.getChild('id')!.data[0]!.values as Int32Array) sums.id! += BigInt(v);
      for (const col of ['col1', 'col2', 'col3']) {
        const d = b.getChild(col)!.data[0]!;
        expect(d.nullCount).toBe(0);
        const words = d.values as Uint32Array; // 128-bit little-endian; all values here are small and >= 0
        let s = 0;
        let high = 0;
        for (let i = 0; i < words.length; i += 4) {
          high |= words[i + 1]! | words[i + 2]! | words[i + 3]!;
          s += words[i]!;
        }
        expect(high).toBe(0);
        sums[col]! += BigInt(s);
      }
    }
    expect(rows).toBe(expected.numRows);
    for (const col of ['id', 'col1', 'col2', 'col3']) expect(String(sums[col]), col).toBe(expected.aggregates[col].sum);
  });
});

describe('row-group statistics against the Delta log', () => {
  /** Leaf Delta types by physical dotted path (column mapping names included). */
  function leafTypes(schema: StructType, prefix = '', out = new Map<string, DataType>()): Map<string, DataType> {
    for (const f of schema.fields) {
      const physical =
        typeof f.metadata['delta.columnMapping.physicalName'] === 'string'
          ? (f.metadata['delta.columnMapping.physicalName'] as string)
          : f.name;
      const path = prefix ? `${prefix}.${physical}` : physical;
      if (f.type.type === 'struct') leafTypes(f.type, path, out);
      else out.set(path, f.type);
    }
    return out;
  }

  function flatten(obj: Record<string, unknown>, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === 'object') flatten(v as Record<string, unknown>, path, out);
      else out.set(path, v);
    }
    return out;
  }

  /** Our bound vs the log's, at the log's precision (Delta truncates timestamps to ms and strings to 32 chars). */
  function comparable(
    ours: Scalar | undefined,
    theirs: Scalar | undefined,
    type: DataType,
  ): [unknown, unknown] | undefined {
    if (ours === undefined || theirs === undefined || theirs === null) return undefined;
    if (type.type === 'long' && typeof ours === 'number') ours = BigInt(ours); // widened from a narrower int
    if (typeof ours !== typeof theirs) return undefined; // other type widening: not comparable
    switch (type.type) {
      case 'timestamp':
      case 'timestamp_ntz':
        return [(ours as bigint) / 1000n, (theirs as bigint) / 1000n];
      case 'string':
        return (ours as string).length < 32 ? [ours, theirs] : undefined;
      case 'float':
        return [Math.fround(ours as number), Math.fround(theirs as number)];
      case 'double':
        return [(ours as number) === 0 ? 0 : ours, (theirs as number) === 0 ? 0 : theirs];
      default:
        return [ours, theirs];
    }
  }

  it('matches add.stats min/max/nullCount for single-row-group files', async () => {
    const tables = new Set<string>();
    for (const m of await listAll(corpus, '')) {
      const i = m.path.indexOf('/_delta_log/');
      if (i > 0 && m.path.endsWith('.json')) tables.add(m.path.slice(0, i));
    }
    let compared = 0;
    const kinds = new Set<string>();
    for (const t of tables) {
      const logDir = join(CORPUS, t, '_delta_log');
      let types: Map<string, DataType> | undefined;
      for (const name of readdirSync(logDir)
        .filter((n) => /^\d{20}\.json$/.test(n))
        .sort()) {
        for (const line of readFileSync(join(logDir, name), 'utf8').split('\n')) {
          if (!line.trim()) continue;
          const action = JSON.parse(line);
          if (action.metaData) types = leafTypes(parseSchemaString(action.metaData.schemaString));
          const add = action.add;
          if (!add?.stats || !types || /^[a-z]+:/.test(add.path)) continue;
          const path = `${t}/${decodeURIComponent(add.path)}`;
          if (!existsSync(join(CORPUS, path))) continue;
          const stats = JSON.parse(add.stats);
          if (!stats.minValues) continue;
          // Decimals as exact text: JSON.parse would round -9999999999.9999999999 to a double.
          const exact = JSON.parse(add.stats.replace(/:(-?\d[\d.eE+-]*)(?=[,}])/g, ':"$1"'));
          const file = await openParquetFile(corpus, path);
          file.close();
          if (file.metadata.rowGroups.length !== 1) continue;
          const cols = file.metadata.rowGroups[0]!.columns;
          const mins = flatten(stats.minValues);
          const maxs = flatten(stats.maxValues ?? {});
          const exactMins = flatten(exact.minValues);
          const exactMaxs = flatten(exact.maxValues ?? {});
          const nulls = flatten(stats.nullCount ?? {});
          for (const [col, type] of types) {
            const chunk = cols.get(col);
            if (!chunk) continue;
            const dec = type.type === 'decimal' || type.type === 'long'; // beyond 2^53: use the exact text
            for (const [ours, theirs] of [
              [chunk.min, parseStatsValue((dec ? exactMins : mins).get(col), type)],
              [chunk.max, parseStatsValue((dec ? exactMaxs : maxs).get(col), type)],
            ] as const) {
              const pair = comparable(ours, theirs, type);
              if (!pair) continue;
              expect(pair[0], `${path} ${col}`).toEqual(pair[1]);
              compared++;
              kinds.add(type.type);
            }
            if (chunk.nullCount !== undefined && typeof nulls.get(col) === 'number') {
              expect(chunk.nullCount, `${path} ${col} nullCount`).toBe(nulls.get(col));
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(2000);
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'byte',
        'date',
        'decimal',
        'double',
        'float',
        'integer',
        'long',
        'short',
        'string',
        'timestamp',
        'timestamp_ntz',
      ]),
    );
  });
});
