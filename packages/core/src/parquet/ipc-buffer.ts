/**
 * Arrow JS batches -> one Arrow IPC stream in a buffer reused from call to call: how batches
 * are handed to parquet-wasm (its only way in is `Table.fromIPCStream`, which copies the bytes
 * into wasm memory). `arrow.tableToIPC` joins the writer's chunks into a fresh buffer per call;
 * for the checkpoint writer's multi-megabyte batches that fresh allocation (zeroed pages
 * faulted in, then garbage) cost more than the encoding itself. Here the chunks are copied
 * once into a buffer that only grows, so a stream of batches costs one warm memcpy each.
 */
import * as arrow from 'apache-arrow';

export class IpcBuffer {
  private buffer = new Uint8Array(0);

  /**
   * The IPC stream (schema, the batches, end of stream) of `table`: a view of this object's
   * buffer, valid until the next call.
   */
  async encode(table: arrow.Table): Promise<Uint8Array> {
    const writer = new arrow.RecordBatchStreamWriter();
    writer.write(table);
    writer.finish(); // closes the writer's queue: the iteration below ends after its chunks
    let length = 0;
    for await (const chunk of writer) {
      this.reserve(length + chunk.byteLength, length);
      this.buffer.set(chunk, length);
      length += chunk.byteLength;
    }
    return this.buffer.subarray(0, length);
  }

  /** Room for `bytes`, keeping the first `keep` bytes; grows by half again to amortise. */
  private reserve(bytes: number, keep: number): void {
    if (bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(bytes, Math.ceil(this.buffer.length * 1.5), 64 * 1024));
    grown.set(this.buffer.subarray(0, keep));
    this.buffer = grown;
  }
}
