/**
 * ALTER TABLE UNSET TBLPROPERTIES [IF EXISTS]: plan (pure: which keys go, the new metadata) ->
 * commit. Like Delta Spark: a key the table does not have is refused unless `ifExists`; CHECK
 * constraints go through DROP CONSTRAINT; properties fixed at creation cannot be removed; the
 * protocol never goes down (a feature a property turned on stays in it).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Metadata } from '../../protocol/actions.js';
import { assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import {
  commitTransaction,
  runPostCommitHooks,
  type CommitOptions,
  type CommitOutcome,
  type PostCommitResult,
} from '../../transaction/index.js';

/** Keys that cannot be removed this way, and why. */
const FIXED: [RegExp, string][] = [
  [/^delta\.columnMapping\./, 'column mapping is set when the table is created'],
  [/^delta\.enableInCommitTimestamps$|^delta\.inCommitTimestamp/, 'in-commit timestamps cannot be removed once on'],
  [/^delta\.(minReaderVersion|minWriterVersion)$/, 'protocol versions never go down'],
];

export interface UnsetPropertiesOptions extends CommitOptions {
  /** Succeed for keys the table does not have (UNSET TBLPROPERTIES IF EXISTS). */
  ifExists?: boolean;
}

/** What UNSET TBLPROPERTIES commits (JSON). */
export interface UnsetPropertiesPlan {
  /** The keys as given (commitInfo's operationParameters). */
  keys: string[];
  /** The keys the table had (removed); empty when there is nothing to commit. */
  removed: string[];
  metadata: Metadata;
}

export interface UnsetPropertiesResult extends CommitOutcome {
  /** The keys removed; empty (and nothing committed) when `ifExists` found none of them. */
  removed: string[];
  postCommit?: PostCommitResult;
}

function checkKey(latest: Snapshot, key: unknown, ifExists: boolean): key is string {
  if (typeof key !== 'string' || key === '')
    throw new InvalidArgumentError('table property keys must be non-empty strings');
  if (key.startsWith('delta.constraints.'))
    throw new InvalidArgumentError(
      (say) =>
        `${key} is a CHECK constraint; drop it with ${say({ operation: 'dropConstraint', name: key.slice('delta.constraints.'.length) })}`,
    );
  const fixed = FIXED.find(([re]) => re.test(key));
  if (fixed && key in latest.properties)
    throw new InvalidArgumentError(`table property ${key} cannot be unset: ${fixed[1]}`);
  if (!(key in latest.properties) && !ifExists) {
    throw new InvalidArgumentError(
      `the table has no property ${key}, so it cannot be unset` +
        (Object.keys(latest.properties).length
          ? `; its properties are: ${Object.keys(latest.properties).join(', ')}`
          : ''),
    );
  }
  return key in latest.properties;
}

export function planUnsetProperties(
  latest: Snapshot,
  keys: readonly string[],
  opts: { ifExists?: boolean } = {},
): UnsetPropertiesPlan {
  assertWritable(latest.protocol);
  if (!Array.isArray(keys) || keys.length === 0)
    throw new InvalidArgumentError('unsetProperties needs at least one property key');
  const removed = [...new Set(keys.filter((k) => checkKey(latest, k, !!opts.ifExists)))];
  const configuration = { ...latest.properties };
  for (const k of removed) delete configuration[k];
  return { keys: [...keys], removed, metadata: { ...latest.metadata, configuration } };
}

export async function commitUnsetProperties(
  latest: Snapshot,
  plan: UnsetPropertiesPlan,
  opts: UnsetPropertiesOptions = {},
): Promise<UnsetPropertiesResult> {
  if (plan.removed.length === 0)
    return { version: latest.version, skipped: true, conflictsRetried: 0, snapshot: latest, removed: [] };
  const outcome = await commitTransaction(
    latest.engine,
    latest,
    {
      actions: [{ metaData: plan.metadata }],
      operation: 'UNSET TBLPROPERTIES',
      operationParameters: { properties: JSON.stringify(plan.keys), ifExists: !!opts.ifExists },
      isBlindAppend: false,
    },
    opts,
  );
  const postCommit = outcome.skipped ? undefined : await runPostCommitHooks(outcome.snapshot);
  return { ...outcome, removed: plan.removed, postCommit };
}

/** Remove properties of `latest` in one commit. */
export async function unsetTableProperties(
  latest: Snapshot,
  keys: readonly string[],
  opts: UnsetPropertiesOptions = {},
): Promise<UnsetPropertiesResult> {
  return commitUnsetProperties(latest, planUnsetProperties(latest, keys, opts), opts);
}
