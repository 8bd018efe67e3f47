/**
 * A large table's checkpoint written in parts by parallel optimize-worker invocations (kind
 * `checkpoint-part`): the maintenance function plans it (core's planCheckpointParts: a
 * classic multi-part checkpoint, or sidecars of a v2 checkpoint when the table has
 * v2Checkpoint), each worker loads the table at the plan's version (only its share of it when
 * the previous checkpoint was written in as many parts) and writes one part, and
 * the maintenance function commits (the v2 top-level file, `_last_checkpoint`) once every
 * part is back. A part that fails or misses the deadline leaves the checkpoint uncommitted:
 * readers go on from the previous checkpoint and the JSON commits, and the next run retries.
 * The parts already written stay unreferenced (sidecars with no checkpoint naming them;
 * an incomplete set of multi-part files, which readers skip).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { CheckpointWriteResult, ObjectStore, Snapshot } from '@delta-serverless/core';
import {
  commitCheckpointParts,
  createEngine,
  loadCheckpointPartState,
  loadSnapshot,
  planCheckpointParts,
  writeCheckpointPart,
  type CheckpointPartResult,
  type CheckpointPartsPlan,
} from '@delta-serverless/core/internal';
import { CheckpointPartsError } from '../errors.js';

/**
 * Files per part (default): a worker loads this share of the version when the previous
 * checkpoint was written in as many parts, else the whole version, then writes its share.
 */
export const DEFAULT_FILES_PER_CHECKPOINT_PART = 250_000;
export const MAX_CHECKPOINT_PARTS = 64;

export interface CheckpointPartRequest {
  kind: 'checkpoint-part';
  tableRoot: string;
  plan: CheckpointPartsPlan;
  /** 0-based part index. */
  part: number;
}

export function isCheckpointPartRequest(event: unknown): event is CheckpointPartRequest {
  return (event as { kind?: unknown } | null)?.kind === 'checkpoint-part';
}

/** Sends one part request to a worker (a Lambda invocation, or a local call) and returns what it wrote. */
export type CheckpointPartInvoker = (request: CheckpointPartRequest) => Promise<CheckpointPartResult>;

/**
 * The worker's side: load its share of the table at the plan's version (only its part of the
 * previous checkpoint when that was written in as many parts, else the whole version) and
 * write one part.
 */
export async function runCheckpointPartRequest(
  request: CheckpointPartRequest,
  storeFor: (uri: string) => ObjectStore,
): Promise<CheckpointPartResult> {
  if (typeof request.tableRoot !== 'string' || !request.plan || !Number.isInteger(request.part))
    throw new CheckpointPartsError([], 'optimize worker: a checkpoint-part request needs tableRoot, plan and part');
  const engine = createEngine(storeFor(request.tableRoot));
  const share = await loadCheckpointPartState(engine, request.plan, request.part);
  const state = share ?? (await loadSnapshot(engine, request.plan.version)).state;
  return writeCheckpointPart(engine, state, request.plan, request.part);
}

/** Invokes the optimize-worker function synchronously with `checkpoint-part` requests. */
export function lambdaCheckpointInvoker(client: LambdaClient, functionName: string): CheckpointPartInvoker {
  return async (request) => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError)
      throw new CheckpointPartsError(
        [request.part],
        `worker ${functionName} failed on checkpoint part ${request.part + 1} of ${request.plan.parts} ` +
          `(${out.FunctionError}): ${text.slice(0, 500)}`,
      );
    return JSON.parse(text) as CheckpointPartResult;
  };
}

export interface CheckpointFanOutOptions {
  invoke: CheckpointPartInvoker;
  /** Files per part (default 250,000); parts = ceil(files / filesPerPart), at most 64. */
  filesPerPart?: number;
  /** Epoch ms by which every part must be back; else nothing is committed. */
  deadline?: number;
  /** Time for expiry of tombstones and txns (default: now). */
  now?: number;
}

/** Parts a checkpoint of `numFiles` files is split into. */
export function checkpointParts(numFiles: number, filesPerPart = DEFAULT_FILES_PER_CHECKPOINT_PART): number {
  return Math.min(MAX_CHECKPOINT_PARTS, Math.max(1, Math.ceil(numFiles / filesPerPart)));
}

/** Write the checkpoint of `snapshot` in parts through workers, then commit it here. */
export async function checkpointFanOut(
  snapshot: Snapshot,
  opts: CheckpointFanOutOptions,
): Promise<CheckpointWriteResult & { parts: number }> {
  const engine = snapshot.engine;
  const parts = checkpointParts(snapshot.numFiles, opts.filesPerPart);
  const plan = planCheckpointParts(engine, snapshot.state, { parts, now: opts.now });
  const requests = Array.from({ length: parts }, (_, part) => ({
    kind: 'checkpoint-part' as const,
    tableRoot: snapshot.uri,
    plan,
    part,
  }));
  const results = await withDeadline(Promise.allSettled(requests.map((r) => opts.invoke(r))), opts.deadline, parts);
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
  if (failed.length > 0) {
    const first = results[failed[0]!] as PromiseRejectedResult;
    throw new CheckpointPartsError(
      failed,
      `checkpoint of version ${plan.version} not committed: part(s) ${failed.map((i) => i + 1).join(', ')} of ${parts} ` +
        `failed (${first.reason instanceof Error ? first.reason.message : String(first.reason)}); the next run retries`,
      { cause: first.reason },
    );
  }
  const written = results.map((r) => (r as PromiseFulfilledResult<CheckpointPartResult>).value);
  return { ...(await commitCheckpointParts(engine, snapshot.state, plan, written)), parts };
}

async function withDeadline<T>(work: Promise<T>, deadline: number | undefined, parts: number): Promise<T> {
  if (deadline === undefined) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CheckpointPartsError(
            [],
            `checkpoint in ${parts} parts not committed: the workers did not finish before the run's deadline; ` +
              'the next run retries (raise the maintenance timeout or lower filesPerPart)',
          ),
        ),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
