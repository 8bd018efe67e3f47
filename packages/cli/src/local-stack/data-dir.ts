/**
 * The local stack's data directory: one stack at a time. A lock file holds the owner's pid; a
 * second stack on the same directory is refused while that process lives (a stale lock from a
 * killed process is taken over).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@delta-serverless/core';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** Directories locked by stacks of this process. */
const held = new Set<string>();

/** Creates and locks `dir`; the returned function unlocks it. */
export function lockDataDir(dir: string): () => void {
  const abs = resolve(dir);
  if (held.has(abs))
    throw new InvalidArgumentError(
      `the data directory ${abs} is in use by another local stack (process ${process.pid}); stop it, or use another --data-dir`,
    );
  mkdirSync(abs, { recursive: true });
  const lock = join(abs, 'lock');
  let owner: number | undefined;
  try {
    owner = Number(readFileSync(lock, 'utf8').trim());
  } catch {
    owner = undefined;
  }
  if (owner && owner !== process.pid && alive(owner)) {
    throw new InvalidArgumentError(
      `the data directory ${abs} is in use by another local stack (process ${owner}); stop it, or use another --data-dir`,
    );
  }
  writeFileSync(lock, String(process.pid));
  held.add(abs);
  return () => {
    held.delete(abs);
    rmSync(lock, { force: true });
  };
}
