/**
 * Load a deletion vector named by a descriptor. The only I/O is one ranged read through a
 * caller-supplied function (storeDvReader adapts an ObjectStore), so only the bytes of
 * this DV are fetched, never the whole DV file.
 */
import {
  CorruptDataError,
  CorruptLogError,
  InvalidArgumentError,
  NotFoundError,
  UnsupportedFeatureError,
} from '../../errors.js';
import type { ByteRange, ObjectStore } from '../../storage/object-store.js';
import type { DeletionVectorDescriptor } from '../actions.js';
import { resolveLogPath } from '../paths.js';
import type { DeletedRows } from './deleted-rows.js';
import { deletionVectorRelativePath } from './descriptor.js';
import { DV_FRAMING_BYTES, unframeDeletionVector } from './dv-file.js';
import { parseRoaringBitmapArray } from './roaring.js';
import { z85Decode } from './z85.js';

/** A DV file: a key relative to the table root (`u`), or the absolute URI of a `p` DV. */
export type DvFileLocation = { relative: string } | { absolute: string };

/** Read `range` (end exclusive) of a DV file. */
export type DvRangeReader = (location: DvFileLocation, range: ByteRange) => Promise<Uint8Array>;

export interface LoadDeletionVectorOptions {
  /** The data file the DV belongs to, named in error messages. */
  dataFile?: string;
}

/**
 * Decode the rows a DV deletes. Inline DVs need no I/O; file DVs are read with a single
 * ranged read of `offset .. offset + 4 + sizeInBytes + 4`. Checks the stored size, the
 * CRC-32, the bitmap magic and the cardinality; throws CorruptDataError naming the DV and
 * data file.
 */
export async function loadDeletionVector(
  d: DeletionVectorDescriptor,
  read: DvRangeReader,
  options: LoadDeletionVectorOptions = {},
): Promise<DeletedRows> {
  const forFile = options.dataFile ? ` of data file ${options.dataFile}` : '';
  let bitmap: Uint8Array;
  let where: string;
  if (d.storageType === 'i') {
    where = `inline deletion vector${forFile}`;
    try {
      bitmap = z85Decode(d.pathOrInlineDv, d.sizeInBytes);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      throw new CorruptLogError(`${where}: ${err.message}; the log entry is damaged`, { cause: err });
    }
  } else if (d.storageType === 'u' || d.storageType === 'p') {
    const location: DvFileLocation =
      d.storageType === 'u' ? { relative: deletionVectorRelativePath(d)! } : { absolute: d.pathOrInlineDv };
    const name = 'relative' in location ? location.relative : location.absolute;
    const offset = d.offset ?? 0;
    where = `deletion vector file ${name} at offset ${offset}${forFile}`;
    const range = { start: offset, end: offset + DV_FRAMING_BYTES + d.sizeInBytes };
    let framed: Uint8Array;
    try {
      framed = await read(location, range);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      throw new CorruptDataError(`${where} is missing; the table references a file that does not exist`, {
        cause: err,
      });
    }
    bitmap = unframeDeletionVector(framed, d.sizeInBytes, where);
  } else {
    throw new UnsupportedFeatureError(
      'deletionVectors',
      `unknown deletion vector storageType ${JSON.stringify(d.storageType)}${forFile}; expected u, i or p`,
    );
  }
  const rows = parseRoaringBitmapArray(bitmap, where);
  if (rows.cardinality !== d.cardinality) {
    throw new CorruptDataError(
      `${where}: decodes to ${rows.cardinality} deleted rows but the log says cardinality ${d.cardinality}`,
    );
  }
  return rows;
}

/**
 * A DvRangeReader over the table's ObjectStore. Absolute (`p`) paths must lie under the
 * store root; others throw UnsupportedFeatureError.
 */
export function storeDvReader(store: ObjectStore): DvRangeReader {
  return async (location, range) => {
    if ('relative' in location) {
      try {
        return await store.get(location.relative, range);
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        const renamed = await findPrefixedDvFile(store, location.relative);
        if (!renamed) throw err;
        return store.get(renamed, range);
      }
    }
    const resolved = resolveLogPath(store.root, location.absolute);
    if ('key' in resolved) return store.get(resolved.key, range);
    throw new UnsupportedFeatureError(
      'deletionVectors',
      `deletion vector ${location.absolute} lies outside the table root ${store.root}; ` +
        'reading DVs from another location is not supported',
    );
  };
}

/**
 * Some writers (Delta Spark's test configuration `test%dv%prefix-`) put a name prefix on
 * DV files that the log does not record. Only when the protocol-correct name is missing,
 * look for exactly one file `<anything>deletion_vector_<uuid>.bin` in the same directory.
 */
async function findPrefixedDvFile(store: ObjectStore, key: string): Promise<string | undefined> {
  const slash = key.lastIndexOf('/');
  const dir = slash >= 0 ? key.slice(0, slash + 1) : '';
  const name = key.slice(slash + 1);
  const matches: string[] = [];
  for await (const meta of store.list(dir, { recursive: false })) {
    if (meta.path.endsWith(name) && meta.path !== key) matches.push(meta.path);
  }
  return matches.length === 1 ? matches[0] : undefined;
}
