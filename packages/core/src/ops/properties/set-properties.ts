/**
 * ALTER TABLE SET TBLPROPERTIES: change table properties in one commit, upgrading the protocol
 * when a property needs a feature (delta.enableDeletionVectors=true -> (3,7) with
 * deletionVectors; delta.enableChangeDataFeed=true -> changeDataFeed), as Delta Spark does.
 * Properties that need a rewrite or a data check are refused here, naming what to do instead.
 */
import { commitTransaction, type CommitOptions, type CommitOutcome } from '../../transaction/index.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Action, Metadata } from '../../protocol/actions.js';
import { protocolsEqual, requiredProtocol, validateProperties } from '../../protocol/properties.js';
import { assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

/** Keys that cannot change after creation this way, and why. */
const FIXED: [RegExp, string][] = [
  [/^delta\.columnMapping\./, 'column mapping is set when the table is created'],
  [/^delta\.constraints\./, 'adding a CHECK constraint must check the existing rows; create the table with it'],
  [/^delta\.enableInCommitTimestamps$/, 'in-commit timestamps are set when the table is created'],
  [/^delta\.(minReaderVersion|minWriterVersion)$/, 'protocol versions follow from the features the properties need'],
];

/** Properties whose validity depends on each other: checked on the table's configuration after the change. */
const CROSS_CHECKED = ['delta.compatibility.symlinkFormatManifest.enabled', 'delta.enableDeletionVectors'];

function pick(props: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => props[k] !== undefined).map((k) => [k, props[k]!]));
}

export async function setTableProperties(
  latest: Snapshot,
  properties: Readonly<Record<string, string>>,
  opts: CommitOptions = {},
): Promise<CommitOutcome> {
  assertWritable(latest.protocol);
  const entries = Object.entries(properties);
  if (entries.length === 0) throw new InvalidArgumentError('setProperties needs at least one property');
  for (const [key, value] of entries) {
    if (typeof value !== 'string')
      throw new InvalidArgumentError(`table property ${key} must be a string, got ${typeof value}`);
    const fixed = FIXED.find(([re]) => re.test(key));
    if (fixed && latest.properties[key] !== value)
      throw new InvalidArgumentError(`table property ${key} cannot be changed with setProperties: ${fixed[1]}`);
  }
  validateProperties(properties, latest.schema);
  const configuration = { ...latest.properties, ...properties };
  validateProperties(pick(configuration, CROSS_CHECKED), latest.schema);
  const metadata: Metadata = { ...latest.metadata, configuration };
  const protocol = requiredProtocol(configuration, latest.schema, latest.protocol);
  const actions: Action[] = [{ metaData: metadata }];
  if (!protocolsEqual(protocol, latest.protocol)) actions.unshift({ protocol });
  return commitTransaction(
    latest.engine,
    latest,
    {
      actions,
      operation: 'SET TBLPROPERTIES',
      operationParameters: { properties: JSON.stringify(properties) },
      isBlindAppend: false,
    },
    opts,
  );
}
