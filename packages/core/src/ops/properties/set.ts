/**
 * ALTER TABLE SET TBLPROPERTIES: plan (pure: validate, the new metadata and protocol) -> commit.
 * A property that needs a table feature upgrades the protocol in the same commit
 * (delta.enableDeletionVectors=true: reader 3 / writer 7 with deletionVectors;
 * delta.enableChangeDataFeed=true: changeDataFeed), as Delta Spark does; known delta.* values
 * are validated and unknown delta.* keys refused (protocol/properties.ts).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Action, Metadata, Protocol } from '../../protocol/actions.js';
import { protocolsEqual, requiredProtocol, validateProperties } from '../../protocol/properties.js';
import { assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import {
  commitTransaction,
  runPostCommitHooks,
  type CommitOptions,
  type CommitOutcome,
  type PostCommitResult,
} from '../../transaction/index.js';

/** Keys that cannot change after creation this way, and why (advice worded by the interface). */
const FIXED: [RegExp, string][] = [
  [/^delta\.columnMapping\./, 'column mapping is set when the table is created'],
  [
    /^delta\.enableInCommitTimestamps$|^delta\.inCommitTimestamp/,
    'in-commit timestamps are set when the table is created',
  ],
  [/^delta\.(minReaderVersion|minWriterVersion)$/, 'protocol versions follow from the features the properties need'],
];

/** Properties whose validity depends on each other: checked on the table's configuration after the change. */
const CROSS_CHECKED = ['delta.compatibility.symlinkFormatManifest.enabled', 'delta.enableDeletionVectors'];

function pick(props: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => props[k] !== undefined).map((k) => [k, props[k]!]));
}

/** What SET TBLPROPERTIES commits (JSON). */
export interface SetPropertiesPlan {
  /** The properties as given (commitInfo's operationParameters). */
  properties: Record<string, string>;
  metadata: Metadata;
  /** The upgraded protocol; absent when the table's protocol already has what they need. */
  protocol?: Protocol;
}

export interface SetPropertiesResult extends CommitOutcome {
  postCommit?: PostCommitResult;
}

function checkChangeable(latest: Snapshot, entries: readonly [string, unknown][]): void {
  if (entries.length === 0) throw new InvalidArgumentError('setProperties needs at least one property');
  for (const [key, value] of entries) {
    if (typeof value !== 'string')
      throw new InvalidArgumentError(`table property ${key} must be a string, got ${typeof value}`);
    if (key.startsWith('delta.constraints.'))
      throw new InvalidArgumentError(
        (say) =>
          `${key} is a CHECK constraint, which must be checked against the existing rows: add it with ` +
          `${say({ operation: 'addConstraint', name: key.slice('delta.constraints.'.length), expression: value })}`,
      );
    const fixed = FIXED.find(([re]) => re.test(key));
    if (fixed && latest.properties[key] !== value)
      throw new InvalidArgumentError(`table property ${key} cannot be changed after creation: ${fixed[1]}`);
  }
}

export function planSetProperties(latest: Snapshot, properties: Readonly<Record<string, string>>): SetPropertiesPlan {
  assertWritable(latest.protocol);
  checkChangeable(latest, Object.entries(properties));
  const configuration = { ...latest.properties, ...properties };
  // The keys given; then, on the result, the properties whose validity depends on each other
  // (not every key: a table may hold delta.* keys from other writers this engine does not know).
  validateProperties(properties, latest.schema);
  validateProperties(pick(configuration, CROSS_CHECKED), latest.schema);
  const protocol = requiredProtocol(configuration, latest.schema, latest.protocol);
  return {
    properties: { ...properties },
    metadata: { ...latest.metadata, configuration },
    ...(protocolsEqual(protocol, latest.protocol) ? {} : { protocol }),
  };
}

export async function commitSetProperties(
  latest: Snapshot,
  plan: SetPropertiesPlan,
  opts: CommitOptions = {},
): Promise<SetPropertiesResult> {
  const actions: Action[] = [...(plan.protocol ? [{ protocol: plan.protocol }] : []), { metaData: plan.metadata }];
  const outcome = await commitTransaction(
    latest.engine,
    latest,
    {
      actions,
      operation: 'SET TBLPROPERTIES',
      operationParameters: { properties: JSON.stringify(plan.properties) },
      isBlindAppend: false,
    },
    opts,
  );
  const postCommit = outcome.skipped ? undefined : await runPostCommitHooks(outcome.snapshot);
  return { ...outcome, postCommit };
}

/** Change properties of `latest` in one commit (the protocol upgraded when a property needs it). */
export async function setTableProperties(
  latest: Snapshot,
  properties: Readonly<Record<string, string>>,
  opts: CommitOptions = {},
): Promise<SetPropertiesResult> {
  return commitSetProperties(latest, planSetProperties(latest, properties), opts);
}
