/**
 * Ceph RGW as a real S3 server: a single-node cluster (mon + memstore OSD + radosgw) in a
 * temp directory, driven by scripts/ceph-rgw.sh (which also installs the Debian packages).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './net.js';
import { TEST_CREDENTIALS } from './types.js';

const run = promisify(execFile);

/** A running RGW. */
export interface CephRgw {
  endpoint: string;
  stop(): Promise<void>;
}

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'ceph-rgw.sh');
const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'ceph-authtool', 'monmaptool', 'ceph'];

function onPath(name: string): boolean {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function output(err: unknown): string {
  const e = err as { stdout?: string; stderr?: string; message?: string };
  return [e.message, e.stdout, e.stderr].filter(Boolean).join('\n');
}

/** Starts a throw-away Ceph cluster with RGW on 127.0.0.1; S3 user has TEST_CREDENTIALS. */
export async function startCephRgw(timeoutMs = 180_000): Promise<CephRgw> {
  const missing = BINARIES.filter((b) => !onPath(b));
  if (missing.length > 0) {
    throw new Error(
      `Ceph is not installed (missing ${missing.join(', ')}): run \`scripts/ceph-rgw.sh install\` as root ` +
        '(Debian packages radosgw ceph-mon ceph-osd ceph-common), or use DS_TEST_TIER=embedded',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'ds-ceph-'));
  const [port, monPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    RGW_ACCESS_KEY: TEST_CREDENTIALS.accessKeyId,
    RGW_SECRET_KEY: TEST_CREDENTIALS.secretAccessKey,
  };
  const stop = async (): Promise<void> => {
    await run('bash', [SCRIPT, 'stop', dir], { env, timeout: 60_000 });
  };
  try {
    await run('bash', [SCRIPT, 'start', dir, String(port), String(monPort)], { env, timeout: timeoutMs });
  } catch (err) {
    await stop().catch(() => undefined);
    throw new Error(`Ceph RGW did not start:\n${output(err)}`);
  }
  return { endpoint: `http://127.0.0.1:${port}`, stop };
}
