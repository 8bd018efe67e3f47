/**
 * SET TBLPROPERTIES' plan (pure): the new metadata, and the new protocol when a property
 * needs a feature (delta.enableDeletionVectors=true -> (3,7) with deletionVectors;
 * delta.enableChangeDataFeed=true -> changeDataFeed; delta.minWriterVersion=4 -> writer 4,
 * never lower than the table has), as Delta Spark does. Properties that
 * need a rewrite or a data check are refused here, naming what to do instead (a CHECK
 * constraint: addConstraint, which checks the existing rows).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Metadata, Protocol } from '../../protocol/actions.js';
import { protocolsEqual, requiredProtocol, validateProperties } from '../../protocol/properties.js';
import { stripProtocolProperties } from '../../protocol/protocol-upgrade.js';
import { assertWritable } from '../../protocol/writer-features.js';
import type { Snapshot } from '../../snapshot/snapshot.js';

/** Keys that cannot change after creation this way, and why. */
const FIXED: [RegExp, string][] = [
  [/^delta\.columnMapping\./, 'column mapping is set when the table is created'],
  [/^delta\.enableInCommitTimestamps$/, 'in-commit timestamps are set when the table is created'],
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

function checkChangeable(latest: Snapshot, entries: readonly [string, string][]): void {
  if (entries.length === 0) throw new InvalidArgumentError('setProperties needs at least one property');
  for (const [key, value] of entries) {
    if (typeof value !== 'string')
      throw new InvalidArgumentError(`table property ${key} must be a string, got ${typeof value}`);
    if (key.startsWith('delta.constraints.') && latest.properties[key] !== value)
      throw new InvalidArgumentError(
        (say) =>
          `${key} is a CHECK constraint, which must be checked against the existing rows: add it with ` +
          say({ operation: 'addConstraint', name: key.slice('delta.constraints.'.length), expression: value }),
      );
    const fixed = FIXED.find(([re]) => re.test(key));
    if (fixed && latest.properties[key] !== value)
      throw new InvalidArgumentError(`table property ${key} cannot be changed after creation: ${fixed[1]}`);
  }
}

export function planSetProperties(latest: Snapshot, properties: Readonly<Record<string, string>>): SetPropertiesPlan {
  assertWritable(latest.protocol, latest.metadata);
  checkChangeable(latest, Object.entries(properties));
  validateProperties(properties, latest.schema);
  const requested = { ...latest.properties, ...properties };
  validateProperties(pick(requested, CROSS_CHECKED), latest.schema);
  // delta.feature.* (and the protocol versions) ask for a protocol: as Spark, not kept as properties.
  const configuration = stripProtocolProperties(requested);
  const protocol = requiredProtocol(requested, latest.schema, latest.protocol);
  return {
    properties: { ...properties },
    metadata: { ...latest.metadata, configuration },
    ...(protocolsEqual(protocol, latest.protocol) ? {} : { protocol }),
  };
}
