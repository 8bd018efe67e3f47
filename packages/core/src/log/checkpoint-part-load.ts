/**
 * The state a checkpoint part writer needs, read from the previous checkpoint's part of the
 * same index instead of the whole version: when the previous checkpoint was itself written in
 * `plan.parts` parts by checkpoint-parts.ts (its part files carry PART_SPLIT_KEY, so the files
 * hashing to part i are exactly those in its part i), worker i reads that one part (plus, for
 * a multi-part checkpoint, part 1's non-file columns for the table's actions; for a v2 checkpoint, the
 * top-level JSON) and every commit after it, keeping only the adds and removes of its part.
 * Its memory is then about 1/parts of the table's. Anything else (no previous checkpoint, a
 * single-file one, another part count, parts split by another engine) returns undefined: the
 * caller loads the whole version.
 */
import type { Action, AddFile, FileStats } from '../protocol/actions.js';
import { assertReadable } from '../protocol/features.js';
import type { Engine } from '../engine/engine.js';
import { mapLimit } from '../util/concurrency.js';
import { batchToActions, readCheckpoint } from './checkpoint-read.js';
import { checkpointPartOf, PART_SPLIT_KEY, partSplitTag, type CheckpointPartsPlan } from './checkpoint-parts.js';
import { parseActions } from './commit-file.js';
import { SIDECAR_DIR } from './file-names.js';
import { LOG_READ_CONCURRENCY, readCommit } from './load.js';
import { TableState } from './replay.js';
import { resolveSegment, type CheckpointFile, type CheckpointRef } from './segment.js';

/** Checkpoint columns of the table's non-file actions (what part 1 of a multi-part checkpoint adds). */
const TABLE_COLUMNS = ['protocol', 'metaData', 'txn', 'domainMetadata'] as const;

/** The table at `plan.version` holding only part `part`'s files (and every non-file action); undefined: load it whole. */
export async function loadCheckpointPartState(
  engine: Engine,
  plan: CheckpointPartsPlan,
  part: number,
): Promise<TableState | undefined> {
  if (plan.parts < 2) return undefined;
  const { segment } = await resolveSegment(engine.store, plan.version);
  const prev = segment.checkpoint;
  if (!prev) return undefined;
  const share = await shareOf(engine, prev, plan.parts, part);
  if (!share) return undefined;
  const [read, commits] = await Promise.all([
    readCheckpoint(engine, { version: prev.version, files: share.files }),
    mapLimit(segment.commits, LOG_READ_CONCURRENCY, (c) => readCommit(engine.store, c)),
  ]);
  const mine = (a: Action): boolean => {
    const path = a.add?.path ?? a.remove?.path;
    return path === undefined || checkpointPartOf(path, plan.parts) === part;
  };
  const state = new TableState();
  state.apply(prev.version, [...share.tableActions, ...read.actions.filter(mine)]);
  copyParsedStats(read.parsedStats, state);
  segment.commits.forEach((c, i) => state.apply(c.version, commits[i]!.filter(mine)));
  if (!state.protocol || !state.metadata) return undefined; // not a checkpoint this reader understands
  assertReadable(state.protocol);
  return state;
}

function copyParsedStats(from: ReadonlyMap<AddFile, FileStats>, state: TableState): void {
  for (const [add, stats] of from) state.parsedStats.set(add, stats);
}

/** The files to read for part `part` of the previous checkpoint, and the actions already read (a v2 top level's). */
async function shareOf(
  engine: Engine,
  prev: CheckpointRef,
  parts: number,
  part: number,
): Promise<{ files: CheckpointFile[]; tableActions: Action[] } | undefined> {
  const first = prev.files[0]!;
  if (prev.files.length === parts && first.part) {
    // Classic multi-part: part 1 has the table's actions (only those columns are read), part i ours.
    const mine = prev.files[part]!;
    const checked = part === 0 ? [mine] : [first, mine];
    const tagged = await Promise.all(checked.map((f) => hasTag(engine, f.path, f.size, prev.files.indexOf(f), parts)));
    if (!tagged.every(Boolean)) return undefined;
    return { files: [mine], tableActions: part === 0 ? [] : await tableActionsOf(engine, first) };
  }
  if (prev.files.length !== 1 || !first.uuid || first.format !== 'json') return undefined;
  // v2 with sidecars: the top level (small JSON) has the table's actions and names the sidecars in part order.
  const top = parseActions(await engine.store.get(first.path), first.path);
  const sidecars = top.flatMap((a) => (a.sidecar ? [a.sidecar] : []));
  const mine = sidecars[part];
  if (sidecars.length !== parts || !mine || mine.path.includes('/')) return undefined;
  const path = `${SIDECAR_DIR}/${decodeURIComponent(mine.path)}`;
  if (!(await hasTag(engine, path, mine.sizeInBytes, part, parts))) return undefined;
  const file: CheckpointFile = {
    kind: 'checkpoint',
    version: prev.version,
    path,
    size: mine.sizeInBytes,
    lastModified: mine.modificationTime ?? 0,
    format: 'parquet',
  };
  return { files: [file], tableActions: top.filter((a) => !a.sidecar && !a.checkpointMetadata) };
}

/** The non-file actions of a checkpoint file, reading only their columns. */
async function tableActionsOf(engine: Engine, file: CheckpointFile): Promise<Action[]> {
  const reader = await engine.parquet.open(engine.store, file.path, { size: file.size });
  const out: Action[] = [];
  try {
    for await (const batch of reader.readBatches({ columns: [...TABLE_COLUMNS] }))
      batchToActions(batch, out, new Map());
  } finally {
    reader.close();
  }
  return out;
}

/** Whether the Parquet file at `path` says it is part `index` of `parts` split by path hash. */
async function hasTag(engine: Engine, path: string, size: number, index: number, parts: number): Promise<boolean> {
  const file = await engine.parquet.openFile(engine.store, path, { size });
  return file.metadata.keyValueMetadata.get(PART_SPLIT_KEY) === partSplitTag(index, parts)[PART_SPLIT_KEY];
}
