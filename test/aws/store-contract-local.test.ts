/**
 * The ObjectStore contract (support/store-contract.ts) against core's LocalStore (checked
 * through node:fs) and MemoryStore: the reference behaviour S3Store is held to in
 * store-contract.test.ts. In the aws project so both halves always run together.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { LocalStore, MemoryStore, type ObjectStore } from '@delta-serverless/core';
import { objectStoreContract, type IndependentView } from './support/store-contract.js';

let n = 0;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function localView(store: ObjectStore): IndependentView {
  const dir = (store as LocalStore).dir;
  const walk = (rel: string): string[] => {
    const abs = path.join(dir, rel);
    if (!fs.existsSync(abs)) return [];
    return fs
      .readdirSync(abs, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.posix.join(rel, e.name)) : [path.posix.join(rel, e.name)]));
  };
  return {
    keys: async (prefix) =>
      walk('')
        .filter((k) => k.startsWith(prefix))
        .sort(),
    bytes: async (p) => new Uint8Array(fs.readFileSync(path.join(dir, ...p.split('/')))),
    digest: async (p) => {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of fs.createReadStream(path.join(dir, ...p.split('/')))) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      return { size, sha256: hash.digest('hex') };
    },
  };
}

objectStoreContract('LocalStore', {
  newStore: async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-contract-'));
    dirs.push(d);
    return new LocalStore(path.join(d, 'root'));
  },
  view: localView,
  boundedStreaming: true,
});

// ---- MemoryStore: its own witness; keeps whole objects by design.
objectStoreContract('MemoryStore', {
  newStore: async () => new MemoryStore(`memory://contract-${++n}`),
  boundedStreaming: false,
});
