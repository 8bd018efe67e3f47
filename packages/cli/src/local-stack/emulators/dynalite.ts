/**
 * dynalite (DynamoDB on LevelDB, in memory) on 127.0.0.1, in a worker thread of this process.
 *
 * Why a worker: vitest hands `ssr.resolve.conditions` to Node as `--conditions` flags, and an
 * `import` condition there makes dynalite's `require('big.js')` load big.mjs, after which it
 * rejects every number ("cannot be converted to a numeric value"). A worker started with
 * `execArgv: []` resolves like plain Node whatever the config says; it also keeps serving
 * while a test blocks the main thread.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** A running dynalite. */
export interface Dynalite {
  endpoint: string;
  stop(): Promise<void>;
}

type WorkerMessage =
  | { type: 'listening'; port: number }
  | { type: 'error'; message: string; code?: string }
  | { type: 'stopped'; error?: string };

function next(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerMessage): void => {
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve(m);
    };
    const onError = (err: Error): void => {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      reject(err);
    };
    const onExit = (code: number): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      reject(new Error(`dynalite worker exited with code ${code}`));
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}

/** dynalite's entry file, resolved from this package (it is a dependency of the CLI). */
function dynalitePath(): string {
  try {
    return createRequire(import.meta.url).resolve('dynalite');
  } catch {
    throw new Error('dynalite is not installed: run `pnpm install` (it is a dependency of @delta-serverless/cli)');
  }
}

// The worker's code: plain CommonJS run by Node's own loader (an `eval` worker), so it needs
// no file next to the compiled module.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.modulePath);
const server = dynalite(workerData.options);
server.once('error', (err) => parentPort.postMessage({ type: 'error', message: err.message, code: err.code }));
server.listen(workerData.port, '127.0.0.1', () => parentPort.postMessage({ type: 'listening', port: server.address().port }));
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  server.close((err) => {
    parentPort.postMessage({ type: 'stopped', error: err ? err.message : undefined });
    parentPort.close();
  });
  // Keep-alive sockets of SDK clients would hold close() open.
  server.closeAllConnections();
});
`;

export interface DynaliteOptions {
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Keep the tables and items in this directory (LevelDB) instead of memory. */
  path?: string;
}

/** Starts dynalite (tables ACTIVE at once) on 127.0.0.1, in memory unless `path` is given. */
export async function startDynalite(options: DynaliteOptions = {}): Promise<Dynalite> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    workerData: {
      modulePath: dynalitePath(),
      port: options.port ?? 0,
      options: {
        createTableMs: 0,
        deleteTableMs: 0,
        updateTableMs: 0,
        ...(options.path ? { path: options.path } : {}),
      },
    },
  });
  const first = await next(worker);
  if (first.type !== 'listening') {
    await worker.terminate();
    const err = new Error(`dynalite did not start: ${first.type === 'error' ? first.message : first.type}`);
    if (first.type === 'error' && first.code) Object.assign(err, { code: first.code, port: options.port });
    throw err;
  }
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${first.port}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const done = next(worker).catch(() => undefined);
      worker.postMessage('stop');
      // A clean close flushes LevelDB; a stop stays quick even if it does not come.
      await Promise.race([done, new Promise((r) => setTimeout(r, 500).unref())]);
      await worker.terminate();
    },
  };
}
