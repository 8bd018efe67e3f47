/**
 * Writing deletion vectors as Delta Spark's DML does (DMLWithDeletionVectorsHelper,
 * DeletionVectorStore): each bitmap is serialized in the RoaringBitmapArray portable format and
 * packed with others into `deletion_vector_<uuid>.bin` files of about 2 MiB (Spark's
 * `deletionVectors.packing.targetSize`), each descriptor a relative (`u`) one with the file's
 * Z85 UUID, optional random prefix and its offset. Spark never inlines DML vectors; a caller
 * may ask for inline (`i`) descriptors for bitmaps up to `inlineMaxBytes`.
 *
 * A descriptor is final when `add` returns (its file name and offset are fixed then); the
 * bytes reach the store when a file fills up or at `finish`. Nothing is committed here.
 */
import type { DeletionVectorDescriptor } from '../protocol/actions.js';
import {
  deletionVectorFileKey,
  encodeDeletionVectorFile,
  fileDeletionVectorDescriptor,
  inlineDeletionVectorDescriptor,
  serializeRoaringBitmapArray,
  type DeletedRows,
} from '../protocol/deletion-vectors/index.js';
import type { Engine } from '../engine/engine.js';
import { randomPrefix } from './random-prefix.js';

/** Spark's default packing target for DV files. */
export const DV_PACKING_TARGET_BYTES = 2 * 1024 * 1024;

export interface DeletionVectorWriterOptions {
  /** The table's engine: the store, and ids for file names and prefixes. */
  engine: Engine;
  /** Random directory prefix length (`delta.randomizeFilePrefixes` + `delta.randomPrefixLength`); 0: none. */
  prefixLength?: number;
  /** Bitmaps up to this many bytes are stored inline in the log (default 0: never, as Spark). */
  inlineMaxBytes?: number;
  /** Start a new DV file once the current one holds this many bytes (default 2 MiB). */
  packTargetBytes?: number;
}

interface OpenDvFile {
  uuid: string;
  prefix: string;
  bitmaps: Uint8Array[];
  /** Bytes of the file so far: the version byte plus each framed bitmap. */
  size: number;
}

/** The `delta.randomPrefixLength` in force, or 0 when `delta.randomizeFilePrefixes` is off. */
export function dvPrefixLength(configuration: Readonly<Record<string, string>>): number {
  if (configuration['delta.randomizeFilePrefixes'] !== 'true') return 0;
  const n = Number(configuration['delta.randomPrefixLength'] ?? 2);
  return Number.isInteger(n) && n > 0 ? n : 2;
}

export class DeletionVectorWriter {
  private current?: OpenDvFile;
  private readonly written: string[] = [];
  private bytes = 0;

  constructor(private readonly opts: DeletionVectorWriterOptions) {}

  /** Store `rows` (non-empty) and return its descriptor. */
  async add(rows: DeletedRows): Promise<DeletionVectorDescriptor> {
    const bitmap = serializeRoaringBitmapArray(rows.rows);
    if (bitmap.length <= (this.opts.inlineMaxBytes ?? 0))
      return inlineDeletionVectorDescriptor(bitmap, rows.cardinality);
    const target = this.opts.packTargetBytes ?? DV_PACKING_TARGET_BYTES;
    if (this.current && this.current.size + bitmap.length > target) await this.flush();
    const file = (this.current ??= {
      uuid: this.opts.engine.ids.uuid(),
      prefix: randomPrefix(this.opts.engine.ids, this.opts.prefixLength ?? 0),
      bitmaps: [],
      size: 1,
    });
    const offset = file.size;
    file.bitmaps.push(bitmap);
    file.size += bitmap.length + 8;
    return fileDeletionVectorDescriptor({
      uuid: file.uuid,
      prefix: file.prefix,
      offset,
      sizeInBytes: bitmap.length,
      cardinality: rows.cardinality,
    });
  }

  /** Write the open DV file; returns the keys of every DV file written. */
  async finish(): Promise<{ files: string[]; bytes: number }> {
    await this.flush();
    return { files: [...this.written], bytes: this.bytes };
  }

  /** Delete every DV file written (nothing was committed). */
  async abort(): Promise<void> {
    this.current = undefined;
    await this.opts.engine.store.deleteMany(this.written).catch(() => undefined);
  }

  private async flush(): Promise<void> {
    const file = this.current;
    this.current = undefined;
    if (!file) return;
    const encoded = encodeDeletionVectorFile(file.bitmaps);
    const key = deletionVectorFileKey(file.uuid, file.prefix);
    this.written.push(key);
    await this.opts.engine.store.put(key, encoded.bytes, { contentType: 'application/octet-stream' });
    this.bytes += encoded.bytes.length;
  }
}
