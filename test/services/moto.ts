/**
 * moto's server as the Glue API, and as an S3 that lists multipart uploads (the embedded S3 does
 * not: test/aws/vacuum-leftovers-s3.test.ts). moto 5.2.1
 * with Flask is a Python package: `pip install "moto[server]==5.2.1"`; CI checks for it with
 * scripts/moto.sh. Started on 127.0.0.1 and a free port, stopped with the test run.
 */
import { spawn } from 'node:child_process';
import { freePort, waitForHttp } from './net.js';

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export const MOTO_INSTALL_HINT =
  'The Glue catalog tests need moto\'s server (Python 3 with moto 5.2.1 and Flask): pip install "moto[server]==5.2.1" ' +
  '(or run scripts/moto.sh install), or point DS_TEST_TIER=external at a Glue endpoint with AWS_ENDPOINT_URL_GLUE ' +
  '(test/services/README.md).';

/**
 * Starts `python3 -m moto.server` (DS_TEST_PYTHON names another interpreter, e.g. a venv's);
 * rejects with install instructions when it cannot run.
 */
export async function startMoto(opts: { python?: string; timeoutMs?: number } = {}): Promise<MotoServer> {
  const python = opts.python ?? (process.env['DS_TEST_PYTHON'] || 'python3');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const port = await freePort();
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Requests are logged one line each; unbuffered so the output is there if start-up fails.
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 20_000) output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = false;
  let spawnError: Error | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      exited = true;
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };
  try {
    await waitForHttp(endpoint, timeoutMs, "moto's server", () => !exited);
  } catch (err) {
    await stop();
    const why = spawnError
      ? `could not run ${python} (${spawnError.message})`
      : output.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${(err as Error).message}\n${why}\n${MOTO_INSTALL_HINT}`);
  }
  return { endpoint, stop };
}
