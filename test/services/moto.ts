/**
 * moto (`python3 -m moto.server`) for the few tests that need S3 calls the embedded server
 * does not implement (ListMultipartUploads). A test that needs it starts its own; a machine
 * without moto fails the test loudly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, waitForHttp } from './net.js';

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  let exited = false;
  let stderr = '';
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  child.on('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(
      endpoint,
      30_000,
      `moto (python3 -m moto.server; needs moto[server] installed): ${stderr}`,
      () => !exited,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    endpoint,
    stop: async () => {
      if (exited) return;
      const closed = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await closed;
    },
  };
}
