export * from './errors.js';
export type { ObjectStore, ObjectMeta, ByteRange, PutOptions, ListOptions } from './storage/object-store.js';
export { listAll } from './storage/object-store.js';
export { LocalStore } from './storage/local-store.js';
export { MemoryStore } from './storage/memory-store.js';
export * from './protocol/actions.js';
export * from './protocol/schema.js';
export * from './protocol/scalar.js';
