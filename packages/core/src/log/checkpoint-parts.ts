/**
 * Checkpoints written in parts, so that several processes (Lambda workers) can each write one
 * share of a large table's checkpoint at the same time. Plan (pure JSON) -> write each part
 * (anywhere: the part only needs the table state at the plan's version) -> commit (one
 * process, once every part exists).
 *
 * Two layouts (PROTOCOL.md "Checkpoints"):
 * - `multi-part`: a classic multi-part checkpoint, `N.checkpoint.<i>.<n>.parquet` for i = 1..n.
 *   Part 1 holds protocol, metadata, txns and domain metadata; every part holds the adds and
 *   tombstones whose path hashes to it. Readers take it when all n parts exist, so the parts
 *   may be written in any order; `_last_checkpoint` (with `parts`) is written last.
 * - `v2-sidecars` (tables with the `v2Checkpoint` feature): each part is a sidecar,
 *   `_delta_log/_sidecars/<uuid>.parquet`, with adds and tombstones only; the commit writes
 *   the top-level `N.checkpoint.<uuid>.json` (protocol, metadata, txns, domain metadata,
 *   checkpointMetadata and one sidecar action per part), which is what makes it visible.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Action } from '../protocol/actions.js';
import { hasWriterFeature } from '../protocol/features.js';
import { assertLogWritable } from '../protocol/writer-features.js';
import type { Engine } from '../engine/engine.js';
import { serializeActions } from './commit-file.js';
import { checkpointLayout } from './checkpoint-schema.js';
import {
  CHECKPOINT_BATCH_SIZE,
  checkpointRows,
  updateLastCheckpoint,
  writeRows,
  type CheckpointWriteResult,
} from './checkpoint-write.js';
import { LOG_DIR, SIDECAR_DIR, versionPrefix } from './file-names.js';
import type { TableState } from './replay.js';
import { mapLimit } from '../util/concurrency.js';

export type CheckpointPartsLayout = 'multi-part' | 'v2-sidecars';

/** What every part writer and the committer agree on; plain JSON, so it can cross an invocation. */
export interface CheckpointPartsPlan {
  version: number;
  layout: CheckpointPartsLayout;
  parts: number;
  /** Time (ms) for tombstone and txn expiry, the same in every part. */
  now: number;
  /** v2-sidecars: the sidecar file id of each part, and the top-level checkpoint's id. */
  sidecarIds?: string[];
  checkpointId?: string;
}

/** What writing one part produced. */
export interface CheckpointPartResult {
  /** 0-based part index. */
  part: number;
  path: string;
  sizeInBytes: number;
  rows: number;
  adds: number;
  removes: number;
  /** Write time of the part (ms), for the sidecar action's modificationTime. */
  modificationTime: number;
}

export interface PlanCheckpointPartsOptions {
  parts: number;
  /** Default: `v2-sidecars` when the table has the v2Checkpoint feature, else `multi-part`. */
  layout?: CheckpointPartsLayout;
  /** Default: the engine's clock. */
  now?: number;
}

/** Plan a checkpoint of `state` in `parts` parts. */
export function planCheckpointParts(
  engine: Engine,
  state: TableState,
  options: PlanCheckpointPartsOptions,
): CheckpointPartsPlan {
  const { protocol, metadata, version } = state;
  if (!protocol || !metadata || version < 0)
    throw new InvalidArgumentError(
      'cannot checkpoint a table state without protocol and metadata; load the table first',
    );
  assertLogWritable(protocol);
  const parts = options.parts;
  if (!Number.isInteger(parts) || parts < 1 || parts > 9_999)
    throw new InvalidArgumentError(`parts must be an integer from 1 to 9999, got ${parts}`);
  const v2 = hasWriterFeature(protocol, 'v2Checkpoint');
  const layout = options.layout ?? (v2 ? 'v2-sidecars' : 'multi-part');
  if (layout === 'v2-sidecars' && !v2)
    throw new InvalidArgumentError(
      "layout 'v2-sidecars' needs the table feature v2Checkpoint (delta.checkpointPolicy = 'v2'); use 'multi-part'",
    );
  const plan: CheckpointPartsPlan = { version, layout, parts, now: options.now ?? engine.clock.now() };
  if (layout === 'v2-sidecars') {
    plan.sidecarIds = Array.from({ length: parts }, () => engine.ids.uuid());
    plan.checkpointId = engine.ids.uuid();
  }
  return plan;
}

/** The part (0-based) a file path belongs to: FNV-1a of its UTF-16 code units, mod `parts`. */
export function checkpointPartOf(path: string, parts: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % parts;
}

/**
 * Footer key of every part file (multi-part file or sidecar) this module writes: which part of
 * how many, split by `checkpointPartOf`. A later part writer reads only the previous
 * checkpoint's part of the same index when it finds this (log/checkpoint-part-load.ts); parts
 * written by other engines (split another way) lack it.
 */
export const PART_SPLIT_KEY = 'delta-serverless.checkpoint.part';

/** The PART_SPLIT_KEY entry of part `part` (0-based) of `parts`. */
export function partSplitTag(part: number, parts: number): Record<string, string> {
  return { [PART_SPLIT_KEY]: `fnv1a-path:${part}/${parts}` };
}

export function checkpointPartPath(plan: CheckpointPartsPlan, part: number): string {
  if (plan.layout === 'v2-sidecars') return `${SIDECAR_DIR}/${plan.sidecarIds![part]}.parquet`;
  const pad = (n: number) => String(n).padStart(10, '0');
  return `${LOG_DIR}/${versionPrefix(plan.version)}.checkpoint.${pad(part + 1)}.${pad(plan.parts)}.parquet`;
}

/** Write part `part` (0-based) of `plan` from `state`, which must be the table at the plan's version. */
export async function writeCheckpointPart(
  engine: Engine,
  state: TableState,
  plan: CheckpointPartsPlan,
  part: number,
): Promise<CheckpointPartResult> {
  if (state.version !== plan.version)
    throw new InvalidArgumentError(
      `the checkpoint plan is for version ${plan.version}, the state is at ${state.version}`,
    );
  if (!Number.isInteger(part) || part < 0 || part >= plan.parts)
    throw new InvalidArgumentError(`part must be from 0 to ${plan.parts - 1}, got ${part}`);
  const layout = checkpointLayout(state.metadata!, state.protocol!);
  const path = checkpointPartPath(plan, part);
  const rows = checkpointRows(state, plan.now, {
    tableActions: plan.layout === 'multi-part' && part === 0,
    files: plan.parts === 1 ? undefined : (p) => checkpointPartOf(p, plan.parts) === part,
  });
  const split = partSplitTag(part, plan.parts);
  const counts = await writeRows(engine, path, layout, state, rows, CHECKPOINT_BATCH_SIZE, split);
  return {
    part,
    path,
    sizeInBytes: counts.written.size,
    rows: counts.rows,
    adds: counts.adds,
    removes: counts.removes,
    modificationTime: engine.clock.now(),
  };
}

/**
 * Make the parts a checkpoint: for v2, write the top-level checkpoint naming the sidecars;
 * then point `_last_checkpoint` at it. `results` must hold every part.
 */
export async function commitCheckpointParts(
  engine: Engine,
  state: TableState,
  plan: CheckpointPartsPlan,
  results: readonly CheckpointPartResult[],
): Promise<CheckpointWriteResult> {
  const byPart = new Map(results.map((r) => [r.part, r]));
  const missing = Array.from({ length: plan.parts }, (_, i) => i).filter((i) => !byPart.has(i));
  if (missing.length > 0)
    throw new InvalidArgumentError(
      `cannot commit a checkpoint in ${plan.parts} parts without part(s) ${missing.map((i) => i + 1).join(', ')}`,
    );
  const ordered = [...byPart.values()].sort((a, b) => a.part - b.part);
  let rows = ordered.reduce((n, r) => n + r.rows, 0);
  let sizeInBytes = ordered.reduce((n, r) => n + r.sizeInBytes, 0);
  const adds = ordered.reduce((n, r) => n + r.adds, 0);
  const removes = ordered.reduce((n, r) => n + r.removes, 0);
  let path = ordered[0]!.path;
  if (plan.layout === 'v2-sidecars') {
    const top = v2TopLevel(state, plan, ordered);
    path = `${LOG_DIR}/${versionPrefix(plan.version)}.checkpoint.${plan.checkpointId}.json`;
    const bytes = serializeActions(top);
    await engine.store.put(path, bytes);
    rows += top.length;
    sizeInBytes += bytes.length;
  }
  const lastCheckpointUpdated = await updateLastCheckpoint(engine.store, {
    version: plan.version,
    size: rows,
    sizeInBytes,
    numOfAddFiles: adds,
    ...(plan.layout === 'multi-part' && plan.parts > 1 ? { parts: plan.parts } : {}),
  });
  return {
    version: plan.version,
    path,
    size: rows,
    sizeInBytes,
    numOfAddFiles: adds,
    numOfRemoveFiles: removes,
    lastCheckpointUpdated,
  };
}

/** The top-level v2 checkpoint: the table's non-file actions, checkpointMetadata, the sidecars. */
function v2TopLevel(state: TableState, plan: CheckpointPartsPlan, parts: readonly CheckpointPartResult[]): Action[] {
  const out: Action[] = [];
  for (const [kind, action] of checkpointRows(state, plan.now, { files: () => false }))
    out.push({ [kind]: action } as Action);
  out.push({ checkpointMetadata: { version: plan.version } });
  for (const p of parts) {
    out.push({
      sidecar: {
        path: p.path.slice(SIDECAR_DIR.length + 1),
        sizeInBytes: p.sizeInBytes,
        modificationTime: p.modificationTime,
      },
    });
  }
  return out;
}

/** Plan, write every part here (`concurrency` at a time) and commit: the single-process form. */
export async function writeCheckpointInParts(
  engine: Engine,
  state: TableState,
  options: PlanCheckpointPartsOptions & { concurrency?: number },
): Promise<CheckpointWriteResult> {
  const plan = planCheckpointParts(engine, state, options);
  const parts = Array.from({ length: plan.parts }, (_, i) => i);
  const results = await mapLimit(parts, options.concurrency ?? 2, (i) => writeCheckpointPart(engine, state, plan, i));
  return commitCheckpointParts(engine, state, plan, results);
}
