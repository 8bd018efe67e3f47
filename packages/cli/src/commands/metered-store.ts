/**
 * A store that reports what passes through it, for progress lines: bytes read by `get` and
 * each object written by `put` / `putStream`. Every other member is the store's own (a Proxy,
 * so optional members such as the commit coordinator stay as they are).
 */
import type { ObjectStore } from '@delta-serverless/core';

export interface StoreMeter {
  /** Bytes a `get` returned. */
  read?(bytes: number): void;
  /** An object was written (after the write completed). */
  written?(path: string): void;
}

export function meteredStore(store: ObjectStore, meter: StoreMeter): ObjectStore {
  const get: ObjectStore['get'] = async (path, range) => {
    const bytes = await store.get(path, range);
    meter.read?.(bytes.length);
    return bytes;
  };
  const put: ObjectStore['put'] = async (path, data, options) => {
    await store.put(path, data, options);
    meter.written?.(path);
  };
  const putStream: ObjectStore['putStream'] = async (path, chunks, options) => {
    await store.putStream(path, chunks, options);
    meter.written?.(path);
  };
  const own: Record<string, unknown> = { get, put, putStream };
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in own) return own[prop];
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
