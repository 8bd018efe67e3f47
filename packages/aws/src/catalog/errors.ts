/**
 * Typed errors of catalog sync. Messages name the Glue database/table and say what to do,
 * in SDK option names; the CLI maps `createDatabase` to `--create-database` and `name` to
 * `--name` (see `catalogHint`).
 */
import { DeltaError } from '@delta-serverless/core';

/** What a message tells the user to pass, per interface. */
export type CatalogHint = 'createDatabase' | 'name';

export class CatalogError extends DeltaError {
  constructor(
    message: string,
    /** The option that fixes it, if one does (the CLI names its flag instead). */
    readonly hint?: CatalogHint,
    options?: { cause?: unknown },
  ) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** The Glue database does not exist and creating it was not asked for. */
export class GlueDatabaseNotFoundError extends CatalogError {
  constructor(readonly database: string) {
    super(
      `Glue database ${database} does not exist. Create it (createDatabase: true), or name an existing database.`,
      'createDatabase',
    );
  }
}

/** A database or table name Glue, Athena and Hive would not all accept. */
export class CatalogNameError extends CatalogError {
  constructor(kind: 'database' | 'table', value: string, suggestion?: string) {
    super(
      `${JSON.stringify(value)} is not a usable Glue ${kind} name: use 1-255 lowercase letters, digits and underscores ` +
        `(Athena and Hive accept no other characters)${suggestion ? `, e.g. ${suggestion}` : ''}.`,
      kind === 'table' ? 'name' : undefined,
    );
  }
}

/** A Glue table of that name exists and is not this Delta table: sync refuses to overwrite it. */
export class CatalogTableConflictError extends CatalogError {
  constructor(
    readonly database: string,
    readonly table: string,
    reason: string,
  ) {
    super(
      `Glue table ${database}.${table} already exists and ${reason}; sync will not overwrite it. ` +
        'Register this Delta table under another name (name), or delete that Glue table first.',
      'name',
    );
  }
}

/** Only tables on S3 can be registered: Glue locations are S3 URIs. */
export class CatalogLocationError extends CatalogError {
  constructor(uri: string) {
    super(
      `${uri} is not on S3: Glue tables point at s3:// locations that Athena, Trino and Spark read. ` +
        'Sync a table stored at s3://bucket/path.',
    );
  }
}

/** Glue kept changing the table under us (another writer syncing at the same time). */
export class CatalogConcurrentUpdateError extends CatalogError {
  constructor(database: string, table: string, attempts: number) {
    super(
      `Glue table ${database}.${table} was modified concurrently ${attempts} times while syncing; ` +
        'nothing was left half-written. Run the sync again.',
    );
  }
}
