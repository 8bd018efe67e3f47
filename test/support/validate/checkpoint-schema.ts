/**
 * Compares a checkpoint's Parquet schema with one written by Spark (Delta 3.0), so engines that
 * read checkpoints by column name and type (Spark, Trino, delta-rs, DuckDB) accept ours.
 * Extra columns such as stats_parsed / partitionValues_parsed are allowed.
 */
import * as fs from 'node:fs';
import { loadHyparquet, type SchemaElement, type SchemaTree } from './deps.js';
import { describe } from './parquet-schema.js';
import type { Problems } from './problems.js';
import { corpusPath } from '../corpus.js';

/** A Spark-written classic checkpoint from the conformance corpus (read-only). */
export const REFERENCE_CHECKPOINT = corpusPath(
  'delta-golden/checkpoint/_delta_log/00000000000000000010.checkpoint.parquet',
);

const REQUIRED_FIELDS: Record<string, string[]> = {
  add: ['path', 'partitionValues', 'size', 'modificationTime', 'dataChange'],
  remove: ['path', 'deletionTimestamp', 'dataChange'],
  metaData: ['id', 'format', 'schemaString', 'partitionColumns', 'configuration'],
  protocol: ['minReaderVersion', 'minWriterVersion'],
  txn: ['appId', 'version'],
};

/** Fields Spark's reference lacks but the protocol defines. */
const EXTRA_FIELDS: Record<string, string[]> = {
  add: ['stats_parsed', 'partitionValues_parsed', 'clusteringProvider'],
  remove: ['stats', 'tags'],
};
const EXTRA_TOP = new Set(['checkpointMetadata', 'sidecar']);
const LEGACY_TOP = new Set(['commitInfo', 'cdc']);

let reference: Promise<SchemaTree | undefined> | undefined;

/** The reference schema, or undefined when the corpus is not on this machine. */
export function referenceSchema(): Promise<SchemaTree | undefined> {
  reference ??= (async () => {
    if (!fs.existsSync(REFERENCE_CHECKPOINT)) return undefined;
    const hp = await loadHyparquet();
    const buffer = await hp.asyncBufferFromFile(REFERENCE_CHECKPOINT);
    return hp.parquetSchema(await hp.parquetMetadataAsync(buffer));
  })();
  return reference;
}

/**
 * Reports columns whose name, nesting or type differs from the reference.
 * `required` lists the top-level action columns this file must have.
 */
export function compareCheckpointSchema(
  ours: SchemaTree,
  ref: SchemaTree,
  required: string[],
  where: string,
  problems: Problems,
): void {
  const top = new Map(ours.children.map((c) => [c.element.name, c]));
  for (const name of required)
    if (!top.has(name)) problems.error(where, `checkpoint has no '${name}' column (Spark checkpoints always have it)`);
  for (const col of ours.children) {
    const name = col.element.name;
    const refCol = ref.children.find((c) => c.element.name === name);
    if (!refCol) {
      if (LEGACY_TOP.has(name))
        problems.warn(
          where,
          `checkpoint column '${name}' (old Spark versions wrote it, always null) is not part of the checkpoint schema`,
        );
      else if (!EXTRA_TOP.has(name))
        problems.error(where, `checkpoint column '${name}' is not a checkpoint action column`);
      continue;
    }
    for (const f of REQUIRED_FIELDS[name] ?? []) {
      if (!col.children.some((c) => c.element.name === f))
        problems.error(where, `checkpoint column ${name} has no field '${f}'`);
    }
    compareNode(col, refCol, name, EXTRA_FIELDS[name] ?? [], where, problems);
  }
}

/**
 * Logical annotation, with legacy converted types mapped to their logical equivalents; a signed
 * INT(32)/INT(64) annotation on INT32/INT64 says nothing more than the physical type, so it is dropped.
 */
function annotation(el: SchemaElement): string | undefined {
  const lt = el.logical_type;
  const c = el.converted_type;
  const plainInt =
    (el.type === 'INT32' && (c === 'INT_32' || (lt?.type === 'INTEGER' && lt.bitWidth === 32 && lt.isSigned))) ||
    (el.type === 'INT64' && (c === 'INT_64' || (lt?.type === 'INTEGER' && lt.bitWidth === 64 && lt.isSigned)));
  if (plainInt) return undefined;
  if (lt) return lt.type;
  if (c === 'UTF8') return 'STRING';
  if (c === 'MAP_KEY_VALUE') return 'MAP';
  if (c && /^U?INT_/.test(c)) return 'INTEGER';
  if (c && c.startsWith('TIMESTAMP_')) return 'TIMESTAMP';
  return c;
}

function compareNode(
  ours: SchemaTree,
  ref: SchemaTree,
  at: string,
  extras: string[],
  where: string,
  problems: Problems,
): void {
  const o = ours.element;
  const r = ref.element;
  const oRep = o.repetition_type ?? 'REQUIRED';
  const rRep = r.repetition_type ?? 'REQUIRED';
  if ((oRep === 'REPEATED') !== (rRep === 'REPEATED')) {
    problems.error(where, `checkpoint ${at} is ${oRep}, Spark writes ${rRep}`);
    return;
  }
  if (oRep !== rRep) problems.warn(where, `checkpoint ${at} is ${oRep}, Spark writes ${rRep}`);
  const oLeaf = o.type !== undefined;
  if (oLeaf !== (r.type !== undefined) || annotation(o) !== annotation(r) || (oLeaf && o.type !== r.type)) {
    problems.error(where, `checkpoint ${at} is ${describe(o)}, Spark writes ${describe(r)}`);
    return;
  }
  if (oLeaf) return;
  const layout = annotation(r) === 'MAP' || annotation(r) === 'LIST' || r.repetition_type === 'REPEATED';
  for (const child of ours.children) {
    const name = child.element.name;
    const refChild = ref.children.find((c) => c.element.name === name);
    if (refChild) compareNode(child, refChild, `${at}.${name}`, [], where, problems);
    else if (layout)
      problems.error(
        where,
        `checkpoint ${at} has child '${name}', Spark's layout uses ${ref.children.map((c) => `'${c.element.name}'`).join(', ')}`,
      );
    else if (!extras.includes(name))
      problems.warn(where, `checkpoint ${at}.${name} is not in Spark's checkpoint schema`);
  }
}
