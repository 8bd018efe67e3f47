/** The commit file's content: commitInfo first (as Delta Spark writes it), then txns, then the actions. */
import type { Action, CommitInfo, Txn } from '../protocol/actions.js';
import { ENGINE_INFO } from './engine-info.js';
import type { CommitRequest } from './types.js';

function quoteParams(params: Record<string, unknown> | undefined): Record<string, string> {
  // Spark stores every operation parameter as a string (JSON for lists/objects).
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

export function buildCommitInfo(
  req: CommitRequest,
  readVersion: number,
  timestamp: number,
  ict: number | undefined,
  txnId: string,
): CommitInfo {
  const info: CommitInfo = {
    timestamp,
    ...(ict !== undefined ? { inCommitTimestamp: ict } : {}),
    operation: req.operation,
    operationParameters: quoteParams(req.operationParameters),
    ...(readVersion >= 0 ? { readVersion } : {}),
    isolationLevel: req.isolation ?? 'WriteSerializable',
    isBlindAppend: req.isBlindAppend,
    operationMetrics: Object.fromEntries(Object.entries(req.operationMetrics ?? {}).map(([k, v]) => [k, String(v)])),
    engineInfo: ENGINE_INFO,
    txnId,
  };
  if (req.userMetadata !== undefined) info.userMetadata = req.userMetadata;
  return info;
}

export function orderActions(commitInfo: CommitInfo, actions: Action[], txns: readonly Txn[]): Action[] {
  const rank = (a: Action) =>
    a.protocol ? 0 : a.metaData ? 1 : a.txn ? 2 : a.domainMetadata ? 3 : a.remove ? 4 : a.add ? 5 : 6;
  const sorted = [...actions].sort((x, y) => rank(x) - rank(y));
  return [{ commitInfo }, ...txns.map((txn) => ({ txn })), ...sorted];
}
