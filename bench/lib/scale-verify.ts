/**
 * Checks the scale table model against the engine: writes every commit of a small table
 * (default 7,000 files) as JSON, replays it with loadSnapshot (no checkpoint), and compares
 * files, tombstones and txns with what the model streams into the checkpoint, at the
 * checkpoint version and after the refresh commits.
 *   npx tsx --conditions=source bench/lib/scale-verify.ts [files]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCoreWithInternal } from './libs.js';
import { LAST_VERSION, ScaleLog, START_CHECKPOINT } from './scale-log.js';

const key = (x: unknown) => JSON.stringify(x);

function sameSet(what: string, engine: Iterable<unknown>, model: Iterable<unknown>): void {
  const want = new Set([...model].map(key));
  const got = [...engine].map(key);
  const missing = got.filter((g) => !want.has(g)).length;
  if (got.length !== want.size || missing > 0)
    throw new Error(`scale model: ${what}: engine has ${got.length}, model ${want.size}, ${missing} differ`);
  console.log(`  ${what}: ${got.length} equal`);
}

async function main(): Promise<void> {
  const files = Number(process.argv[2] ?? 7000);
  const core = await importCoreWithInternal();
  const dir = mkdtempSync(join(tmpdir(), 'scale-verify-'));
  try {
    mkdirSync(join(dir, '_delta_log'));
    const log = new ScaleLog(files);
    for (let v = 0; v <= LAST_VERSION + 10; v++)
      writeFileSync(join(dir, '_delta_log', `${core.versionPrefix(v)}.json`), log.commit(v));
    for (const version of [START_CHECKPOINT, LAST_VERSION + 10]) {
      const snap = await core.loadSnapshot(core.createEngine(new core.LocalStore(dir)), version);
      console.log(`version ${version}:`);
      sameSet('files', snap.state.files.values(), log.activeFiles(version));
      sameSet('tombstones', snap.state.tombstones.values(), log.tombstones(version));
      sameSet('txns', snap.state.txns.values(), log.txns(version).values());
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
