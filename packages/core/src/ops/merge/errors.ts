/** MERGE's typed errors live in the package's errors.ts; re-exported here for the merge modules. */
export { MergeMultipleMatchError } from '../../errors.js';
