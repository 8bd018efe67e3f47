/**
 * Child process of the killed-writer tests: stream an object into a LocalStore, print
 * `writing` once the first MiB is handed to the store, then never finish (the parent kills it).
 *
 *   node --conditions=source --import tsx test/support/slow-put-child.ts <dir> <key>
 */
import { LocalStore } from '@delta-serverless/core';

const [dir, key] = process.argv.slice(2) as [string, string];
async function* chunks(): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(1024 * 1024).fill(7);
  process.stdout.write('writing\n');
  await new Promise(() => undefined);
}
await new LocalStore(dir).putStream(key, chunks());
