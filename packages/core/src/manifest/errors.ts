/** Why a table cannot be read through symlink manifests (the reasons Delta Spark gives). */
import { UnsupportedFeatureError } from '../errors.js';

export class ManifestNotSupportedError extends UnsupportedFeatureError {
  constructor(
    feature: 'columnMapping' | 'deletionVectors',
    readonly table: string,
  ) {
    super(
      feature,
      feature === 'columnMapping'
        ? `cannot generate symlink manifests for ${table}: it uses column mapping, so its Parquet files name ` +
            'columns by physical names that engines reading through a manifest (Presto, Redshift Spectrum) cannot map. ' +
            'Read it with a Delta reader (Athena, Trino, Spark) through the Glue table instead.'
        : `cannot generate symlink manifests for ${table}: some live files have deletion vectors, and engines reading ` +
            'through a manifest would return the deleted rows. Rewrite the files that have deletion vectors first ' +
            '(Spark: REORG TABLE ... APPLY (PURGE)), make sure no writer adds deletion vectors meanwhile, then generate ' +
            'the manifests again.',
    );
  }
}
