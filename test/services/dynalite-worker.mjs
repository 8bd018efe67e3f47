// Runs dynalite in a worker thread (see dynalite.ts). Plain JS: the worker loads it with
// Node's own loader, outside vitest's module runner.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const server = dynalite(workerData);
server.once('error', (err) => parentPort.postMessage({ type: 'error', message: err.message }));
server.listen(0, '127.0.0.1', () => {
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  server.close((err) => {
    parentPort.postMessage({ type: 'stopped', error: err ? err.message : undefined });
    parentPort.close();
  });
  // Keep-alive sockets of SDK clients would hold close() open.
  server.closeAllConnections();
});
