/** Deletion vectors: Z85, the RoaringBitmapArray format, DV files, descriptors and loading. */
export { DeletedRows } from './deleted-rows.js';
export {
  deletionVectorFileKey,
  deletionVectorRelativePath,
  fileDeletionVectorDescriptor,
  inlineDeletionVectorDescriptor,
  uniqueDvId,
} from './descriptor.js';
export { crc32, DV_FILE_FORMAT_VERSION, encodeDeletionVectorFile, unframeDeletionVector } from './dv-file.js';
export type { EncodedDeletionVectorFile } from './dv-file.js';
export { loadDeletionVector, storeDvReader } from './load.js';
export type { DvFileLocation, DvRangeReader, LoadDeletionVectorOptions } from './load.js';
export { parseRoaringBitmapArray, ROARING_BITMAP_ARRAY_MAGIC, serializeRoaringBitmapArray } from './roaring.js';
export type { SerializeOptions } from './roaring.js';
export { uuidToZ85, z85Decode, z85Encode, z85ToUuid } from './z85.js';
