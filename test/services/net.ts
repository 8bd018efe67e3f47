/** Small helpers for starting servers: free ports, waiting until HTTP answers. */
import { createServer, type AddressInfo } from 'node:net';

/** A port that was free a moment ago on 127.0.0.1 (for servers that cannot bind port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Polls `url` until it answers any HTTP status (connection refused means not yet), every
 * 100 ms for up to `timeoutMs`; `alive()` false means the server process died: stop waiting.
 */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  what: string,
  alive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${what} exited before it answered on ${url}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch (err) {
      lastError = err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer on ${url} within ${timeoutMs} ms (${lastError})`);
}
