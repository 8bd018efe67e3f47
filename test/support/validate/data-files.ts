/**
 * Checks of the active files themselves: existence and size, deletion-vector files, and (with
 * checkData) the Parquet footer schema and the recorded stats against the data.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeletionVector, ProtocolAction } from './actions.js';
import { compareStatsWithData } from './data-stats.js';
import { loadHyparquet } from './deps.js';
import { checkDataFileSchema } from './parquet-schema.js';
import type { Problems } from './problems.js';
import { writerSupports } from './protocol-rules.js';
import type { FileEntry } from './replay.js';
import { typeWideningAllowed } from './table-meta.js';

export interface DataFileOptions {
  root: string;
  protocol: ProtocolAction | undefined;
  checkData: boolean;
  allowInt96: boolean;
  duck: DuckDBConnection | undefined;
  latestVersion: number;
}

/** Runs every per-file check on the active files of the latest version. */
export async function checkActiveFiles(entries: FileEntry[], opts: DataFileOptions, problems: Problems): Promise<void> {
  const hp = opts.checkData ? await loadHyparquet() : undefined;
  for (const e of entries) {
    const where = `v${opts.latestVersion} active file ${e.add.path} (added in v${e.version})`;
    const file = e.resolved.local;
    if (!file) continue;
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      problems.error(where, `data file does not exist at ${file}`);
      continue;
    }
    if (size !== e.add.size) problems.error(where, `add.size is ${e.add.size}, but the file has ${size} bytes`);
    if (e.add.deletionVector) checkDeletionVector(opts.root, e.add.deletionVector, where, problems);
    if (!hp) continue;
    let footer;
    try {
      footer = await hp.parquetMetadataAsync(await hp.asyncBufferFromFile(file));
    } catch (err) {
      problems.error(where, `data file is not readable Parquet: ${(err as Error).message}`);
      continue;
    }
    if (!e.meta.fields) continue;
    const columns = checkDataFileSchema(
      hp.parquetSchema(footer),
      e.meta,
      {
        allowInt96: opts.allowInt96,
        typeWidening: typeWideningAllowed(opts.protocol),
        changeDataFeed: opts.protocol !== undefined && writerSupports(opts.protocol, 'changeDataFeed'),
      },
      where,
      problems,
    );
    const footerRows = Number(footer.num_rows);
    if (!e.stats) continue;
    if (e.stats.numRecords !== undefined && e.stats.numRecords !== footerRows) {
      problems.error(where, `stats.numRecords is ${e.stats.numRecords}, but the file has ${footerRows} rows`);
    }
    // With a deletion vector the column stats may describe only the surviving rows: only numRecords is physical.
    if (e.add.deletionVector || e.leaves.length === 0 || !opts.duck) continue;
    const prefix = Number(e.meta.metadata.configuration['delta.dataSkippingStringPrefixLength'] ?? 32);
    await compareStatsWithData(
      opts.duck,
      {
        file,
        stats: e.stats,
        leaves: e.leaves,
        columns,
        footerRows,
        stringPrefixLength: Number.isInteger(prefix) ? prefix : 32,
        where,
      },
      problems,
    );
  }
}

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** Decodes Z85 text (length a multiple of 5) into bytes; undefined on a bad character. */
function z85Decode(s: string): Uint8Array | undefined {
  const out = new Uint8Array((s.length / 5) * 4);
  for (let i = 0; i < s.length; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      const d = Z85.indexOf(s[i + j]);
      if (d < 0) return undefined;
      v = v * 85 + d;
    }
    for (let j = 3; j >= 0; j--) {
      out[(i / 5) * 4 + j] = v % 256;
      v = Math.floor(v / 256);
    }
  }
  return out;
}

/** Where a 'u' or 'p' deletion vector lives; undefined for inline ones or bad encodings (reported). */
function dvPath(root: string, dv: DeletionVector, where: string, problems: Problems): string | undefined {
  if (dv.storageType === 'u') {
    const encoded = dv.pathOrInlineDv;
    const bytes = encoded.length >= 20 ? z85Decode(encoded.slice(-20)) : undefined;
    if (!bytes) {
      problems.error(where, `deletionVector.pathOrInlineDv '${encoded}' is not <prefix><20-char Z85 UUID>`);
      return undefined;
    }
    const hex = Buffer.from(bytes).toString('hex');
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return path.join(root, encoded.slice(0, -20), `deletion_vector_${uuid}.bin`);
  }
  if (dv.storageType === 'p') {
    try {
      return dv.pathOrInlineDv.startsWith('file:')
        ? fileURLToPath(dv.pathOrInlineDv)
        : decodeURIComponent(dv.pathOrInlineDv);
    } catch {
      problems.error(where, `deletionVector.pathOrInlineDv '${dv.pathOrInlineDv}' is not a valid path URI`);
    }
  }
  return undefined;
}

/** The DV file exists and, at `offset`, holds a big-endian size equal to sizeInBytes then the magic. */
function checkDeletionVector(root: string, dv: DeletionVector, where: string, problems: Problems): void {
  const file = dvPath(root, dv, where, problems);
  if (!file) return;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    problems.error(where, `deletion vector file ${file} does not exist`);
    return;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const offset = dv.offset ?? 1;
    if (offset + 4 + dv.sizeInBytes + 4 > size) {
      problems.error(
        where,
        `deletion vector at offset ${offset} with sizeInBytes ${dv.sizeInBytes} runs past the end of ${path.basename(file)} (${size} bytes)`,
      );
      return;
    }
    const head = Buffer.alloc(8);
    fs.readSync(fd, head, 0, 8, offset);
    if (head.readUInt32BE(0) !== dv.sizeInBytes) {
      problems.error(
        where,
        `deletion vector file says the bitmap has ${head.readUInt32BE(0)} bytes, the log says sizeInBytes ${dv.sizeInBytes}`,
      );
    }
    if (head.readUInt32LE(4) !== 1681511377)
      problems.error(where, 'deletion vector bitmap does not start with the magic number 1681511377');
  } finally {
    fs.closeSync(fd);
  }
}
