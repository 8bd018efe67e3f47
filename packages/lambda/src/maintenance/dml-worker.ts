/**
 * DELETE/UPDATE (and MERGE: `merge` in the request, `lambdaMergeInvoker`) across parallel Lambdas: the SDK plans the statement, sends groups of its
 * candidate files to the optimize-worker function (kind `dml-files`), each worker scans and
 * rewrites (or marks) its files and returns the uncommitted actions, and the caller commits
 * once. Use it with `table.delete(pred, { workers: { invoke: lambdaDmlInvoker(client, fn) } })`.
 * Plans and results are plain JSON (core's ops/dml/types.ts); a synchronous invocation carries
 * at most 6 MB each way, so keep `filesPerWorker` moderate (default 8).
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  readMergeGroupSource,
  executeMergeFiles,
  type MergeGroupInvoker,
  type MergeGroupRequest,
  type MergeGroupResult,
  executeDmlFiles,
  type DmlContext,
  type DmlFile,
  type DmlGroupInvoker,
  type DmlResult,
  type ObjectStore,
} from '@delta-serverless/core';
import { createEngine } from '@delta-serverless/core/internal';
import { OptimizeWorkerError } from '../errors.js';

export interface DmlWorkerRequest {
  kind: 'dml-files';
  context: DmlContext;
  files: DmlFile[];
  /** A MERGE's group: the statement and its source (base64 Arrow IPC, or staged in the table's store); the files are joined, not inserted into. */
  merge?: MergeGroupRequest['merge'];
  /** Files processed at once inside the worker (default 1: a worker is sized for one file). */
  concurrency?: number;
}

export function isDmlWorkerRequest(event: unknown): event is DmlWorkerRequest {
  return (event as { kind?: unknown } | null)?.kind === 'dml-files';
}

/** The worker's side: scan and rewrite the requested files; nothing is committed. */
export async function runDmlWorkerRequest(
  request: DmlWorkerRequest,
  storeFor: (uri: string) => ObjectStore,
): Promise<DmlResult | MergeGroupResult> {
  if (!request.context || !Array.isArray(request.files))
    throw new OptimizeWorkerError([], 'optimize worker: a dml-files request needs context and files');
  const engine = createEngine(storeFor(request.context.tableRoot));
  if (request.merge)
    return executeMergeFiles(
      engine,
      request.context,
      request.merge.spec,
      await readMergeGroupSource(engine.store, request.merge),
      request.files,
      { concurrency: request.concurrency ?? 1, insert: false },
    );
  return executeDmlFiles(createEngine(storeFor(request.context.tableRoot)), request.context, request.files, {
    concurrency: request.concurrency ?? 1,
  });
}

async function invoke(client: LambdaClient, functionName: string, request: DmlWorkerRequest): Promise<string> {
  const out = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(request)),
    }),
  );
  const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
  if (out.FunctionError)
    throw new OptimizeWorkerError(
      request.files.map((f) => f.add.path),
      `worker ${functionName} failed on ${request.files.length} file(s) of a ${request.context.operation} (${out.FunctionError}): ${text.slice(0, 500)}; nothing was committed`,
    );
  return text;
}

/**
 * Invokes the optimize-worker function synchronously with a MERGE's `dml-files` requests:
 * `table.merge(src, { on, workers: { invoke: lambdaMergeInvoker(client, fn) } })`.
 */
export function lambdaMergeInvoker(client: LambdaClient, functionName: string): MergeGroupInvoker {
  return async ({ context, files, merge }) =>
    JSON.parse(await invoke(client, functionName, { kind: 'dml-files', context, files, merge })) as MergeGroupResult;
}

/** Invokes the optimize-worker function synchronously with `dml-files` requests. */
export function lambdaDmlInvoker(client: LambdaClient, functionName: string): DmlGroupInvoker {
  return async ({ context, files }) => {
    const text = await invoke(client, functionName, { kind: 'dml-files', context, files });
    return JSON.parse(text) as DmlResult;
  };
}
