/**
 * Independent Delta table validator for tests. It shares no code with @delta-serverless/core:
 * its own log listing and replay, JSON parsing, hyparquet for Parquet footers and checkpoints, and
 * DuckDB for the data, so an engine bug cannot hide itself. Local-filesystem tables only.
 *
 * Errors are protocol violations (or breaches of what every mainstream writer guarantees, e.g.
 * Spark-compatible checkpoint columns). Warnings are legal but suspicious: stray or temporary files
 * in _delta_log, a missing remove.deletionTimestamp, non-standard Parquet list/map child names.
 * See validate/*.ts for each rule and the protocol section it comes from.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCheckpoint, type CheckpointContent } from './validate/checkpoint-read.js';
import { compareCheckpointSchema, referenceSchema } from './validate/checkpoint-schema.js';
import { readCommit } from './validate/commit-file.js';
import { checkActiveFiles } from './validate/data-files.js';
import { openDuckDb } from './validate/deps.js';
import { checkLastCheckpoint, type CheckpointFacts } from './validate/last-checkpoint.js';
import { listLog } from './validate/log-listing.js';
import { pad20, Problems } from './validate/problems.js';
import { supports } from './validate/protocol-rules.js';
import { applyActions, emptyState, type TableState } from './validate/replay.js';
import { checkVersionChecksum, compareWithCheckpoint } from './validate/state-compare.js';

export interface ValidateOptions {
  /** Read every active data file: Parquet schema and stats against the data (default true). */
  checkData?: boolean;
  /** Check that active files exist with their logged size (default true; false for log-only fixtures). */
  checkFiles?: boolean;
  /** Accept INT96 timestamps (legal, written by Spark by default; our writer must not) (default false). */
  allowInt96?: boolean;
}

export interface ValidationReport {
  /** True when there are no errors (warnings allowed). */
  ok: boolean;
  errors: string[];
  warnings: string[];
  /** Latest version found in the log, -1 when there is none. */
  version: number;
  /** Active files at the latest version. */
  activeFiles: number;
}

/** Validates the Delta table in directory `dir` and lists every problem found. */
export async function validateTable(dir: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const problems = new Problems();
  const root = path.resolve(dir);
  const logDir = path.join(root, '_delta_log');
  const report = (version: number, state?: TableState): ValidationReport => ({
    ok: problems.errors.length === 0,
    errors: problems.errors,
    warnings: problems.warnings,
    version,
    activeFiles: state?.adds.size ?? 0,
  });
  if (!fs.existsSync(logDir) || !fs.statSync(logDir).isDirectory()) {
    problems.error(root, 'no _delta_log directory: not a Delta table');
    return report(-1);
  }
  const listing = listLog(logDir, problems);
  const commitVersions = [...listing.commits.keys()].sort((a, b) => a - b);
  const complete = listing.checkpoints.filter((c) => c.complete);

  const facts: CheckpointFacts[] = [];
  const ref = await referenceSchema();
  if (!ref && complete.length > 0)
    problems.warn('_delta_log', 'Spark reference checkpoint not found; checkpoint column types not compared');
  for (const cp of complete) {
    const content = await readCheckpoint(logDir, cp, problems);
    if (!content) continue;
    facts.push({ checkpoint: cp, content });
    if (ref) checkCheckpointFileSchemas(content, ref, problems);
  }

  const maxCommit = commitVersions.length ? commitVersions[commitVersions.length - 1] : -1;
  const latest = Math.max(maxCommit, ...complete.map((c) => c.version));
  if (latest < 0) {
    problems.error('_delta_log', 'no commit files and no checkpoint: the table has no versions');
    return report(-1);
  }
  for (let i = 1; i < commitVersions.length; i++) {
    const [a, b] = [commitVersions[i - 1], commitVersions[i]];
    if (b !== a + 1) {
      problems.error(
        `_delta_log/${pad20(a + 1)}.json`,
        `commit version${b - a > 2 ? 's' : ''} ${a + 1}${b - a > 2 ? `..${b - 1}` : ''} missing: versions must be contiguous (found ${a} then ${b})`,
      );
    }
  }
  for (const cp of complete) {
    if (cp.version > maxCommit && maxCommit >= 0)
      problems.error(
        `_delta_log/${cp.label}`,
        `checkpoint for version ${cp.version}, but the newest commit is ${maxCommit}`,
      );
  }

  // Replay from version 0 when it exists, else from the oldest checkpoint the commits continue from.
  const state = emptyState();
  let start: number;
  if (listing.commits.has(0)) start = 0;
  else {
    const base = facts.find(
      (f) =>
        commitVersions.every((v) => v <= f.checkpoint.version || listing.commits.has(v)) &&
        (maxCommit <= f.checkpoint.version || listing.commits.has(f.checkpoint.version + 1)),
    );
    if (!base) {
      problems.error(
        '_delta_log',
        `the log starts at version ${commitVersions[0] ?? '?'} but no complete, readable checkpoint covers the versions before it`,
      );
      return report(latest);
    }
    applyActions(state, base.content.actions, {
      root,
      version: base.checkpoint.version,
      source: 'checkpoint',
      problems,
    });
    start = base.checkpoint.version + 1;
  }
  for (let v = start; v <= maxCommit; v++) {
    const name = listing.commits.get(v);
    if (!name) continue; // gap: reported above
    applyActions(state, readCommit(logDir, v, name, problems), { root, version: v, source: 'commit', problems });
    const crc = listing.crcs.get(v);
    if (crc) checkVersionChecksum(logDir, crc, state, problems);
    for (const f of facts.filter((x) => x.checkpoint.version === v)) {
      const cpState = emptyState();
      const cpProblems = new Problems();
      applyActions(cpState, f.content.actions, { root, version: v, source: 'checkpoint', problems: cpProblems });
      // Action-level problems in the checkpoint are reported once, then its state is compared.
      for (const e of cpProblems.errors) problems.errors.push(`${f.checkpoint.label}: ${e}`);
      compareWithCheckpoint(state, cpState, `checkpoint ${f.checkpoint.label}`, problems);
      checkCheckpointKind(f.checkpoint.kind, f.content, state, f.checkpoint.label, problems);
    }
  }
  if (listing.hasLastCheckpoint) checkLastCheckpoint(logDir, facts, complete, problems);

  if (options.checkFiles !== false) {
    const checkData = options.checkData !== false;
    const duck = checkData ? await openDuckDb() : undefined;
    try {
      await checkActiveFiles(
        [...state.adds.values()],
        {
          root,
          protocol: state.protocol,
          checkData,
          allowInt96: options.allowInt96 === true,
          duck: duck?.connection,
          latestVersion: latest,
        },
        problems,
      );
    } finally {
      duck?.close();
    }
  }
  return report(latest, state);
}

function checkCheckpointFileSchemas(
  content: CheckpointContent,
  ref: Parameters<typeof compareCheckpointSchema>[1],
  problems: Problems,
): void {
  const v2 = content.actions.some((a) => a.key === 'checkpointMetadata');
  for (const s of content.parquetSchemas) {
    const required = s.sidecar
      ? ['add', 'remove']
      : v2
        ? ['metaData', 'protocol']
        : ['add', 'remove', 'metaData', 'protocol'];
    compareCheckpointSchema(s.root, ref, required, s.where, problems);
  }
}

/** v2 checkpoint actions need the v2Checkpoint feature; multi-part checkpoints are forbidden with it. */
function checkCheckpointKind(
  kind: string,
  content: CheckpointContent,
  state: TableState,
  label: string,
  problems: Problems,
): void {
  const v2 = content.actions.some((a) => a.key === 'checkpointMetadata' || a.key === 'sidecar');
  const feature = state.protocol !== undefined && supports(state.protocol, 'v2Checkpoint');
  if ((v2 || kind === 'uuid') && !feature)
    problems.error(
      `checkpoint ${label}`,
      "v2 (UUID-named or sidecar) checkpoints require reader+writer feature 'v2Checkpoint'",
    );
  if (kind === 'uuid' && !content.actions.some((a) => a.key === 'checkpointMetadata')) {
    problems.error(`checkpoint ${label}`, 'a UUID-named checkpoint must contain a checkpointMetadata action');
  }
  if (kind === 'multipart' && feature)
    problems.error(`checkpoint ${label}`, 'multi-part checkpoints are forbidden when v2 checkpoints are enabled');
}

/** Thrown by assertValidTable; the message lists every problem. */
export class InvalidDeltaTableError extends Error {
  constructor(
    readonly dir: string,
    readonly report: ValidationReport,
  ) {
    const lines = [...report.errors.map((e) => `  error: ${e}`), ...report.warnings.map((w) => `  warning: ${w}`)];
    super(
      `Delta table ${dir} is not valid (${report.errors.length} error(s), ${report.warnings.length} warning(s)):\n${lines.join('\n')}`,
    );
    this.name = 'InvalidDeltaTableError';
  }
}

/** Validates `dir` and throws InvalidDeltaTableError listing all problems; `failOnWarnings` makes warnings fatal too. */
export async function assertValidTable(
  dir: string,
  options: ValidateOptions & { failOnWarnings?: boolean } = {},
): Promise<ValidationReport> {
  const report = await validateTable(dir, options);
  if (!report.ok || (options.failOnWarnings === true && report.warnings.length > 0))
    throw new InvalidDeltaTableError(dir, report);
  return report;
}
