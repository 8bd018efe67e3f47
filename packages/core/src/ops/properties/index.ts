/**
 * ALTER TABLE SET / UNSET TBLPROPERTIES: plan (pure: validate, new metadata and protocol) ->
 * commit. They write no data, so there is no execute step.
 */
export { planSetProperties, commitSetProperties, setTableProperties } from './set.js';
export type { SetPropertiesPlan, SetPropertiesResult } from './set.js';
export { planUnsetProperties, commitUnsetProperties, unsetTableProperties } from './unset.js';
export type { UnsetPropertiesOptions, UnsetPropertiesPlan, UnsetPropertiesResult } from './unset.js';
