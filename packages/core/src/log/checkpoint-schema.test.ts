/**
 * Our checkpoint's Parquet schema against checkpoints Spark / Databricks wrote for the same
 * tables, node by node (names, repetition, physical and logical types), plus the stats-column
 * selection rules.
 */
import type * as arrow from 'apache-arrow';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseParquetFooter } from '../parquet/metadata.js';
import type { ParquetSchemaNode } from '../parquet/types.js';
import type { Metadata } from '../protocol/actions.js';
import { parseSchemaString } from '../protocol/schema.js';
import { LocalStore } from '../storage/local-store.js';
import { checkpointLayout, parseColumnList, statsTrees, type StatsNode } from './checkpoint-schema.js';
import { copyCorpusTable, CORPUS } from '../../test/support/log-fixtures.js';
import { writeCheckpoint } from './checkpoint-write.js';
import { LAST_CHECKPOINT } from './file-names.js';
import { loadState } from './load.js';
import { createEngine } from '../engine/engine.js';

interface Shape {
  name: string;
  repetition: string;
  type?: string;
  logical?: string;
  children?: Shape[];
}

function shape(n: ParquetSchemaNode): Shape {
  const s: Shape = { name: n.name, repetition: n.repetition };
  if (n.physicalType) s.type = n.physicalType;
  if (n.logicalType) s.logical = JSON.stringify(n.logicalType);
  if (n.children.length > 0) s.children = n.children.map(shape);
  return s;
}

async function footerShape(store: LocalStore, path: string): Promise<Shape[]> {
  const bytes = await store.get(path);
  return shape(parseParquetFooter(bytes, path).schema).children!;
}

/** Remove a nested node by dotted path (for documented differences). */
function without(shapes: Shape[], path: string): Shape[] {
  const [head, ...rest] = path.split('.');
  return shapes
    .filter((s) => rest.length > 0 || s.name !== head)
    .map((s) =>
      s.name === head && rest.length > 0 ? { ...s, children: without(s.children ?? [], rest.join('.')) } : s,
    );
}

/** Write our checkpoint of a corpus table's latest version into a copy; return both footers' shapes. */
async function compare(
  table: string,
  theirs: string,
): Promise<{ ours: Shape[]; spark: Shape[]; ourLast: Record<string, unknown> }> {
  const dir = await copyCorpusTable(table);
  try {
    const store = new LocalStore(dir);
    const spark = await footerShape(new LocalStore(join(CORPUS, table)), theirs);
    const { state } = await loadState(createEngine(store));
    const result = await writeCheckpoint(createEngine(store), state, { now: 0 });
    const ours = await footerShape(store, result.path);
    const ourLast = JSON.parse(new TextDecoder().decode(await store.get(LAST_CHECKPOINT))) as Record<string, unknown>;
    return { ours, spark, ourLast };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('checkpoint Parquet schema matches what Spark writes', () => {
  it('is identical to a Spark 4 checkpoint (unpartitioned, JSON stats), checkpointSchema included', async () => {
    const table = 'delta-rs/spark-variant-checkpoint';
    const { ours, spark, ourLast } = await compare(table, '_delta_log/00000000000000000002.checkpoint.parquet');
    expect(ours).toEqual(spark);
    const sparkLast = (await import('node:fs')).readFileSync(
      join(CORPUS, table, '_delta_log/_last_checkpoint'),
      'utf8',
    );
    expect(ourLast.checkpointSchema).toEqual((JSON.parse(sparkLast) as Record<string, unknown>).checkpointSchema);
  });

  it('matches a partitioned DV table written by Spark 3 (partitionValues_parsed), except add.clusteringProvider', async () => {
    const { ours, spark } = await compare(
      'delta-golden/dv-partitioned-with-checkpoint',
      '_delta_log/00000000000000000010.checkpoint.parquet',
    );
    // Spark before 3.3 had no add.clusteringProvider; Spark 4 writes it (previous test), so do we.
    expect(spark.find((s) => s.name === 'add')!.children!.map((c) => c.name)).not.toContain('clusteringProvider');
    expect(without(ours, 'add.clusteringProvider')).toEqual(spark);
    const add = ours.find((s) => s.name === 'add')!;
    expect(add.children!.find((c) => c.name === 'partitionValues_parsed')).toEqual({
      name: 'partitionValues_parsed',
      repetition: 'OPTIONAL',
      children: [{ name: 'part', repetition: 'OPTIONAL', type: 'INT32' }],
    });
  });

  it('matches a Databricks checkpoint with stats_parsed only (writeStatsAsStruct=true, writeStatsAsJson=false)', async () => {
    const { ours, spark } = await compare(
      'delta-kernel-rs/v1-multi-part-struct-stats-only',
      '_delta_log/00000000000000000005.checkpoint.0000000001.0000000003.parquet',
    );
    expect(ours).toEqual(spark);
  });
});

const meta = (
  schema: object,
  configuration: Record<string, string> = {},
  partitionColumns: string[] = [],
): Metadata => ({
  id: 't',
  format: { provider: 'parquet', options: {} },
  schemaString: JSON.stringify(schema),
  partitionColumns,
  configuration,
});
const col = (name: string, type: unknown, physical?: string) => ({
  name,
  type,
  nullable: true,
  metadata: physical ? { 'delta.columnMapping.physicalName': physical, 'delta.columnMapping.id': 1 } : {},
});

function names(node: StatsNode | undefined): unknown {
  if (!node) return undefined;
  if (node.kind === 'leaf') return node.type.type;
  return Object.fromEntries(node.fields.map((f) => [f.name, names(f.node)]));
}

describe('stats columns (stats_parsed shape)', () => {
  const schema = {
    type: 'struct',
    fields: [
      col('a', 'long'),
      col('b', 'boolean'),
      col('s', { type: 'struct', fields: [col('x', 'string'), col('y', 'binary')] }),
      col('arr', { type: 'array', elementType: 'integer', containsNull: true }),
      col('p', 'date'),
      col('t', 'timestamp'),
    ],
  };

  it('takes the first 32 leaves of the data columns; min/max only for skipping-eligible types', () => {
    const m = meta(schema, {}, ['p']);
    const trees = statsTrees(parseSchemaString(m.schemaString), m, 'none');
    expect(names(trees.minMax)).toEqual({ a: 'long', s: { x: 'string' }, t: 'timestamp' });
    expect(names(trees.nullCount)).toEqual({
      a: 'long',
      b: 'long',
      s: { x: 'long', y: 'long' },
      arr: 'long',
      t: 'long',
    });
  });

  it('honours delta.dataSkippingNumIndexedCols (counting nested leaves)', () => {
    const m = meta(schema, { 'delta.dataSkippingNumIndexedCols': '3' });
    const trees = statsTrees(parseSchemaString(m.schemaString), m, 'none');
    expect(names(trees.nullCount)).toEqual({ a: 'long', b: 'long', s: { x: 'long' } });
    const none = meta(schema, { 'delta.dataSkippingNumIndexedCols': '0' });
    expect(statsTrees(parseSchemaString(none.schemaString), none, 'none')).toEqual({
      minMax: undefined,
      nullCount: undefined,
    });
  });

  it('honours delta.dataSkippingStatsColumns (case-insensitive, nested, backticks)', () => {
    const m = meta(schema, { 'delta.dataSkippingStatsColumns': 'T, `s`.X' });
    const trees = statsTrees(parseSchemaString(m.schemaString), m, 'none');
    expect(names(trees.minMax)).toEqual({ s: { x: 'string' }, t: 'timestamp' });
    expect(names(trees.nullCount)).toEqual({ s: { x: 'long' }, t: 'long' });
    expect(parseColumnList('a, b.c ,`d.e`.f, `g``h`')).toEqual([['a'], ['b', 'c'], ['d.e', 'f'], ['g`h']]);
  });

  it('uses physical names under column mapping, for stats and partitionValues_parsed', () => {
    const mapped = {
      type: 'struct',
      fields: [
        col('a', 'long', 'col-a'),
        col('s', { type: 'struct', fields: [col('x', 'integer', 'col-x')] }, 'col-s'),
        col('p', 'date', 'col-p'),
      ],
    };
    const m = meta(mapped, { 'delta.columnMapping.mode': 'name', 'delta.checkpoint.writeStatsAsStruct': 'true' }, [
      'p',
    ]);
    const layout = checkpointLayout(m, { minReaderVersion: 2, minWriterVersion: 5 });
    expect(names(layout.statsParsed!.minMax)).toEqual({ 'col-a': 'long', 'col-s': { 'col-x': 'integer' } });
    expect(layout.partitionParsed).toEqual([{ key: 'col-p', type: { type: 'date' } }]);
    const add = layout.schema.fields.find((f) => f.name === 'add')!.type.children.map((c: arrow.Field) => c.name);
    expect(add.slice(-3)).toEqual(['stats', 'partitionValues_parsed', 'stats_parsed']);
  });

  it('follows the struct/JSON properties: partitionValues_parsed unless false, stats_parsed only when true, stats unless false', () => {
    const fields = (config: Record<string, string>) =>
      checkpointLayout(meta(schema, config, ['p']), { minReaderVersion: 1, minWriterVersion: 2 })
        .schema.fields.find((f) => f.name === 'add')!
        .type.children.map((c: arrow.Field) => c.name)
        .filter((n: string) => n.startsWith('stats') || n.endsWith('_parsed'));
    expect(fields({})).toEqual(['stats', 'partitionValues_parsed']);
    expect(fields({ 'delta.checkpoint.writeStatsAsStruct': 'false' })).toEqual(['stats']);
    expect(
      fields({ 'delta.checkpoint.writeStatsAsStruct': 'true', 'delta.checkpoint.writeStatsAsJson': 'false' }),
    ).toEqual(['partitionValues_parsed', 'stats_parsed']);
  });
});
