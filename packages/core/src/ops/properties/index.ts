/**
 * ALTER TABLE SET TBLPROPERTIES: plan (pure: validate, new metadata and protocol) -> commit.
 * It writes no data, so there is no execute step.
 */
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { CommitOptions } from '../../transaction/index.js';
import { commitSetProperties, type SetPropertiesResult } from './commit.js';
import { planSetProperties } from './plan.js';

export { planSetProperties, commitSetProperties };
export type { SetPropertiesPlan } from './plan.js';
export type { SetPropertiesResult } from './commit.js';

/** Change properties of `latest` in one commit (protocol upgraded when a property needs it). */
export async function setTableProperties(
  latest: Snapshot,
  properties: Readonly<Record<string, string>>,
  opts: CommitOptions = {},
): Promise<SetPropertiesResult> {
  return commitSetProperties(latest, planSetProperties(latest, properties), opts);
}
