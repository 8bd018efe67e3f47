/**
 * Our own small log replay (section "Action Reconciliation"): applies commits or checkpoint
 * contents to a TableState, checking each action and the rules that span a commit.
 */
import {
  checkAdd,
  checkCdc,
  checkCommitInfo,
  checkDomain,
  checkMetadata,
  checkProtocol,
  checkRemove,
  checkTxn,
  dvUniqueId,
  checkCheckpointMetadata,
  type AddAction,
  type DomainAction,
  type ProtocolAction,
  type RemoveAction,
} from './actions.js';
import type { RawAction } from './checkpoint-read.js';
import { isInt } from './json.js';
import { checkPartitionValues, resolvePath, type ResolvedPath } from './paths.js';
import { commitWhere, type Problems } from './problems.js';
import { checkFeatureRequirements, checkProtocolRules, supports, writerSupports } from './protocol-rules.js';
import { checkStatsShape, parseStats, type FileStats, type LeafStats } from './stats.js';
import { buildTableMeta, type TableMeta } from './table-meta.js';

export interface FileEntry {
  add: AddAction;
  key: string;
  resolved: ResolvedPath;
  /** Version that added this logical file. */
  version: number;
  /** Metadata in effect when the file was added (its schema is what the file must hold). */
  meta: TableMeta;
  where: string;
  stats?: FileStats;
  leaves: LeafStats[];
}

export interface TableState {
  protocol?: ProtocolAction;
  meta?: TableMeta;
  adds: Map<string, FileEntry>;
  removes: Map<string, RemoveAction>;
  txns: Map<string, number>;
  domains: Map<string, DomainAction>;
  lastInCommitTimestamp?: number;
  /** A missing first protocol/metaData has been reported. */
  missingReported?: boolean;
}

/** An empty table state. */
export function emptyState(): TableState {
  return { adds: new Map(), removes: new Map(), txns: new Map(), domains: new Map() };
}

/** Logical-file key: decoded path + deletion vector unique id. */
function fileKey(canonical: string, dv: string): string {
  return `${canonical}\u0000${dv}`;
}

interface ApplyContext {
  root: string;
  version: number;
  /** 'commit' enforces per-commit rules; 'checkpoint' only reconciles. */
  source: 'commit' | 'checkpoint';
  problems: Problems;
}

/** Applies the actions of one commit (or a whole checkpoint) to `state`. */
export function applyActions(state: TableState, actions: RawAction[], ctx: ApplyContext): void {
  const { problems, version, source } = ctx;
  const where0 = source === 'commit' ? commitWhere(version) : `checkpoint v${version}`;
  const adds: { add: AddAction; where: string }[] = [];
  const removes: { remove: RemoveAction; where: string }[] = [];
  let protocolChanged = false;
  let metadataChanged = false;
  let hasCdc = false;
  for (const a of actions) {
    switch (a.key) {
      case 'protocol': {
        const p = checkProtocol(a.value, a.where, problems);
        if (p) {
          checkProtocolRules(p, a.where, problems);
          state.protocol = p;
          protocolChanged = true;
        }
        break;
      }
      case 'metaData': {
        const md = checkMetadata(a.value, a.where, problems);
        if (md) {
          state.meta = buildTableMeta(md, a.where, problems);
          metadataChanged = true;
        }
        break;
      }
      case 'add': {
        const add = checkAdd(a.value, a.where, problems);
        if (add) adds.push({ add, where: a.where });
        break;
      }
      case 'remove': {
        const remove = checkRemove(a.value, a.where, problems);
        if (remove) removes.push({ remove, where: a.where });
        break;
      }
      case 'txn': {
        const t = checkTxn(a.value, a.where, problems);
        if (t) state.txns.set(t.appId, t.version);
        break;
      }
      case 'domainMetadata': {
        const d = checkDomain(a.value, a.where, problems);
        if (d && state.protocol && !writerSupports(state.protocol, 'domainMetadata')) {
          problems.error(a.where, "domainMetadata actions require writer feature 'domainMetadata'");
        }
        if (d) state.domains.set(d.domain, d);
        break;
      }
      case 'cdc':
        if (source === 'checkpoint') problems.error(a.where, 'cdc actions must not appear in checkpoints');
        checkCdc(a.value, a.where, problems);
        hasCdc = true;
        break;
      case 'commitInfo':
        if (source === 'checkpoint') problems.error(a.where, 'commitInfo actions must not appear in checkpoints');
        checkCommitInfo(a.value, a.where, problems);
        break;
      case 'checkpointMetadata': {
        const v = checkCheckpointMetadata(a.value, a.where, problems);
        if (v !== undefined && v !== version)
          problems.error(a.where, `checkpointMetadata.version is ${v}, but the checkpoint is for version ${version}`);
        break;
      }
      case 'sidecar':
        break; // resolved by readCheckpoint
    }
  }
  if (!state.protocol || !state.meta) {
    // Reported once; later versions then replay against a stand-in so their own problems still show.
    if (!state.missingReported) {
      if (!state.protocol)
        problems.error(where0, `no protocol action at or before this ${source} (the first version must contain one)`);
      if (!state.meta)
        problems.error(where0, `no metaData action at or before this ${source} (the first version must contain one)`);
      state.missingReported = true;
    }
    state.protocol ??= { minReaderVersion: 1, minWriterVersion: 2 };
    state.meta ??= buildTableMeta(
      {
        id: '',
        provider: 'parquet',
        schemaString: '{"type":"struct","fields":[]}',
        partitionColumns: [],
        configuration: {},
      },
      where0,
      problems,
    );
  }
  const { protocol, meta } = state;
  if (protocolChanged || metadataChanged)
    checkFeatureRequirements(protocol, meta.metadata, meta.fields, where0, problems);
  if (hasCdc && source === 'commit' && !writerSupports(protocol, 'changeDataFeed')) {
    problems.error(where0, "cdc actions require writer feature 'changeDataFeed' (or writer version 4..6)");
  }
  if (source === 'commit') checkInCommitTimestamp(state, actions, ctx);
  const appendOnly = meta.metadata.configuration['delta.appendOnly'] === 'true';

  const byPath = new Map<string, FileEntry>();
  for (const e of state.adds.values()) byPath.set(e.resolved.canonical, e);
  // Removes first, so a commit may replace a file's deletion vector (remove old key, add new key).
  const removedPaths = new Set<string>();
  const removedKeys = new Set<string>();
  for (const { remove, where } of removes) {
    const resolved = resolvePath(ctx.root, remove.path, 'remove', where, problems);
    const key = fileKey(resolved.canonical, dvUniqueId(remove.deletionVector));
    if (source === 'commit') {
      if (removedPaths.has(resolved.canonical))
        problems.error(where, `path ${remove.path} is removed twice in one commit`);
      if (appendOnly && remove.dataChange)
        problems.error(
          where,
          `append-only table (delta.appendOnly=true): remove with dataChange=true of ${remove.path}`,
        );
      if (!state.adds.has(key))
        problems.warn(where, `remove of ${remove.path}, which is not an active file at this version`);
    }
    removedPaths.add(resolved.canonical);
    removedKeys.add(key);
    state.adds.delete(key);
    state.removes.set(key, remove);
  }
  const addedPaths = new Set<string>();
  for (const { add, where } of adds) {
    const resolved = resolvePath(ctx.root, add.path, 'add', where, problems);
    const key = fileKey(resolved.canonical, dvUniqueId(add.deletionVector));
    if (source === 'commit') {
      if (addedPaths.has(resolved.canonical)) problems.error(where, `path ${add.path} is added twice in one commit`);
      if (removedKeys.has(key))
        problems.error(where, `logical file ${add.path} is both added and removed in one commit`);
      if (!add.dataChange && !removedPaths.size && !byPath.has(resolved.canonical)) {
        problems.warn(
          where,
          `add with dataChange=false of ${add.path}, but the commit removes nothing and the file was not in the table`,
        );
      }
    }
    addedPaths.add(resolved.canonical);
    if (add.deletionVector && !supports(protocol, 'deletionVectors')) {
      problems.error(
        where,
        `add of ${add.path} has a deletion vector, but the protocol does not support 'deletionVectors'`,
      );
    }
    if (add.deletionVector && add.stats === undefined)
      problems.error(where, `add of ${add.path} has a deletion vector, so its stats must carry numRecords`);
    // A re-added path keeps the schema it was written with.
    const fileMeta = byPath.get(resolved.canonical)?.meta ?? meta;
    checkPartitionValues(add, resolved, meta, where, problems);
    const entry: FileEntry = { add, key, resolved, version, meta: fileMeta, where, leaves: [] };
    if (add.stats !== undefined) {
      entry.stats = parseStats(add.stats, where, problems);
      if (entry.stats && fileMeta.fields) entry.leaves = checkStatsShape(entry.stats, fileMeta.fields, where, problems);
      if (add.deletionVector && entry.stats && entry.stats.numRecords === undefined) {
        problems.error(where, `add of ${add.path} has a deletion vector, so stats.numRecords must be present`);
      }
      if (
        add.deletionVector &&
        entry.stats?.numRecords !== undefined &&
        add.deletionVector.cardinality > entry.stats.numRecords
      ) {
        problems.error(
          where,
          `deletionVector.cardinality ${add.deletionVector.cardinality} exceeds stats.numRecords ${entry.stats.numRecords}`,
        );
      }
    }
    state.removes.delete(key);
    state.adds.set(key, entry);
  }
  // The same data file must not be active twice (with different deletion vectors).
  const seen = new Map<string, FileEntry>();
  for (const e of state.adds.values()) {
    const other = seen.get(e.resolved.canonical);
    if (other && (addedPaths.has(e.resolved.canonical) || source === 'checkpoint')) {
      problems.error(
        e.where,
        `data file ${e.add.path} is active twice (deletion vectors '${dvUniqueId(other.add.deletionVector)}' and '${dvUniqueId(e.add.deletionVector)}'); the old one must be removed`,
      );
    }
    seen.set(e.resolved.canonical, e);
  }
}

/** With in-commit timestamps enabled, commitInfo comes first and carries a growing inCommitTimestamp. */
function checkInCommitTimestamp(state: TableState, actions: RawAction[], ctx: ApplyContext): void {
  if (state.meta?.metadata.configuration['delta.enableInCommitTimestamps'] !== 'true') return;
  const first = actions[0];
  const where = commitWhere(ctx.version, 1);
  if (!first || first.key !== 'commitInfo' || !isInt(first.value.inCommitTimestamp)) {
    ctx.problems.error(
      where,
      'in-commit timestamps are enabled: the first action must be commitInfo with an integer inCommitTimestamp',
    );
    return;
  }
  const ict = first.value.inCommitTimestamp;
  if (state.lastInCommitTimestamp !== undefined && ict <= state.lastInCommitTimestamp) {
    ctx.problems.error(
      where,
      `inCommitTimestamp ${ict} is not greater than the previous commit's ${state.lastInCommitTimestamp}`,
    );
  }
  state.lastInCommitTimestamp = ict;
}
