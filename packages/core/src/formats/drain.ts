/**
 * Read an object-mode stream in groups: every record already buffered is returned at once,
 * so the consumer loops synchronously instead of awaiting once per record.
 */
import type { Readable } from 'node:stream';

/** Yield arrays of the records buffered in `stream` until it ends; its error is thrown. */
export async function* drainGroups<T>(stream: Readable): AsyncGenerator<T[]> {
  let ended = false;
  let closed = false;
  let error: unknown;
  let wake: (() => void) | undefined;
  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onEnd = (): void => {
    ended = true;
    signal();
  };
  const onError = (e: unknown): void => {
    error ??= e;
    signal();
  };
  const onClose = (): void => {
    closed = true;
    signal();
  };
  stream.on('readable', signal);
  stream.on('end', onEnd);
  stream.on('error', onError);
  stream.on('close', onClose);
  try {
    while (true) {
      const group: T[] = [];
      for (let r = stream.read() as T | null; r !== null; r = stream.read() as T | null) group.push(r);
      if (group.length > 0) {
        yield group;
        continue;
      }
      if (error !== undefined) throw error;
      if (ended) return;
      if (closed) throw new Error('the stream closed before its end');
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    stream.off('readable', signal);
    stream.off('end', onEnd);
    stream.off('error', onError);
    stream.off('close', onClose);
    if (!ended) stream.destroy();
  }
}
