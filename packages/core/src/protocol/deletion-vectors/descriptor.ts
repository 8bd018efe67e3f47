/**
 * Deletion vector descriptors (`add.deletionVector`): where the bitmap lives and the
 * derived fields of PROTOCOL.md "Deletion Vector Descriptor Schema".
 */
import { CorruptLogError, InvalidArgumentError } from '../../errors.js';
import type { DeletionVectorDescriptor } from '../actions.js';
import { uuidToZ85, z85Encode, z85ToUuid } from './z85.js';

/** Length of the Z85-encoded UUID at the end of a `u` descriptor's `pathOrInlineDv`. */
const Z85_UUID_LENGTH = 20;

/**
 * The DV "unique id" used to tell apart the same data file with different DVs during log
 * replay: `<storageType><pathOrInlineDv>`, plus `@<offset>` when an offset is present.
 */
export function uniqueDvId(d: DeletionVectorDescriptor): string {
  const base = `${d.storageType}${d.pathOrInlineDv}`;
  return d.offset === null || d.offset === undefined ? base : `${base}@${d.offset}`;
}

/** File name of a DV file for a UUID: `deletion_vector_<uuid>.bin`, under `prefix/` if given. */
export function deletionVectorFileKey(uuid: string, prefix = ''): string {
  const name = `deletion_vector_${uuid}.bin`;
  return prefix ? `${prefix}/${name}` : name;
}

/**
 * Store key, relative to the table root, of a `u` (relative) DV's file, e.g.
 * `ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin`. Null for `i` and `p`.
 * Throws CorruptLogError when `pathOrInlineDv` does not end in a Z85 UUID.
 */
export function deletionVectorRelativePath(d: DeletionVectorDescriptor): string | null {
  if (d.storageType !== 'u') return null;
  const p = d.pathOrInlineDv;
  if (p.length < Z85_UUID_LENGTH) {
    throw new CorruptLogError(
      `deletion vector pathOrInlineDv ${JSON.stringify(p)} is shorter than a 20-character Z85 UUID`,
    );
  }
  const prefixLength = p.length - Z85_UUID_LENGTH;
  let uuid: string;
  try {
    uuid = z85ToUuid(p.slice(prefixLength));
  } catch (err) {
    throw new CorruptLogError(`deletion vector pathOrInlineDv ${JSON.stringify(p)} does not end in a Z85 UUID`, {
      cause: err,
    });
  }
  return deletionVectorFileKey(uuid, p.slice(0, prefixLength));
}

/** Descriptor of a DV written to a file named by `uuid` (see deletionVectorFileKey). */
export function fileDeletionVectorDescriptor(args: {
  uuid: string;
  prefix?: string;
  offset: number;
  sizeInBytes: number;
  cardinality: number;
}): DeletionVectorDescriptor {
  const prefix = args.prefix ?? '';
  if (prefix.includes('/')) throw new InvalidArgumentError(`DV path prefix must not contain '/': ${prefix}`);
  return {
    storageType: 'u',
    pathOrInlineDv: prefix + uuidToZ85(args.uuid),
    offset: args.offset,
    sizeInBytes: args.sizeInBytes,
    cardinality: args.cardinality,
  };
}

/** Descriptor of a DV stored inline in the log (bitmap from serializeRoaringBitmapArray). */
export function inlineDeletionVectorDescriptor(bitmap: Uint8Array, cardinality: number): DeletionVectorDescriptor {
  return { storageType: 'i', pathOrInlineDv: z85Encode(bitmap), sizeInBytes: bitmap.length, cardinality };
}
