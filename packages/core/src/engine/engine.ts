/**
 * The engine seam (delta-kernel-rs's `Engine`): everything the protocol code needs from the
 * outside world, in one object. The object store does the I/O, the Parquet handler reads and
 * writes Parquet, the clock says what time it is and the id source makes unique ids. Tables
 * get one from their options (`DeltaTable.open(uri, { engine: { clock, ids, parquet } })`),
 * with defaults for what is not given.
 */
import { defaultParquetHandler, type ParquetHandler } from '../parquet/handler.js';
import type { ObjectStore } from '../storage/object-store.js';
import { systemClock, type Clock } from '../util/clock.js';
import { randomIds, type IdSource } from '../util/ids.js';

export interface Engine {
  /** The table's store: every read and write of the table goes through it. */
  readonly store: ObjectStore;
  readonly parquet: ParquetHandler;
  readonly clock: Clock;
  readonly ids: IdSource;
}

/** The replaceable parts of an engine (the store comes from the table's URI or `store` option). */
export interface EngineOptions {
  /** Default: parquet-wasm and hyparquet (`defaultParquetHandler`). */
  parquet?: ParquetHandler;
  /** Default: the system clock. `fixedClock(...)` pins timestamps in tests. */
  clock?: Clock;
  /** Default: random UUIDs. `sequentialIds()` pins file names and ids in tests. */
  ids?: IdSource;
}

/** An engine on `store`, with the defaults for every part `options` leaves out. */
export function createEngine(store: ObjectStore, options: EngineOptions = {}): Engine {
  return {
    store,
    parquet: options.parquet ?? defaultParquetHandler,
    clock: options.clock ?? systemClock,
    ids: options.ids ?? randomIds,
  };
}
