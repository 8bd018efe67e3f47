/**
 * Typed errors of catalog sync. Messages name the Glue database/table and say what to do in
 * the words of the interface: `message` names SDK options (`createDatabase: true`), and
 * `cliMessage` the CLI's flags (`--create-database`).
 */
import { DeltaError } from '@delta-serverless/core';

/** An option a message can tell the user to pass. */
export type CatalogHint = 'createDatabase' | 'name';

type Say = (option: CatalogHint) => string;
const SDK: Say = (o) => (o === 'createDatabase' ? 'createDatabase: true' : 'the name option');
const CLI: Say = (o) => (o === 'createDatabase' ? '--create-database' : '--name NAME');

export class CatalogError extends DeltaError {
  /** The same message for the command line (flags instead of SDK options). */
  readonly cliMessage: string;
  constructor(text: string | ((say: Say) => string), options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', typeof text === 'string' ? text : text(SDK), options);
    this.cliMessage = typeof text === 'string' ? text : text(CLI);
  }
}

/** The Glue database does not exist and creating it was not asked for. */
export class GlueDatabaseNotFoundError extends CatalogError {
  constructor(readonly database: string) {
    super(
      (say) =>
        `Glue database ${database} does not exist. Create it (${say('createDatabase')}), or name an existing database.`,
    );
  }
}

/** A database or table name Glue, Athena and Hive would not all accept. */
export class CatalogNameError extends CatalogError {
  constructor(kind: 'database' | 'table', value: string, suggestion?: string) {
    super(
      `${JSON.stringify(value)} is not a usable Glue ${kind} name: use 1-255 lowercase letters, digits and underscores ` +
        `(Athena and Hive accept no other characters)${suggestion ? `, e.g. ${suggestion}` : ''}.`,
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
      (say) =>
        `Glue table ${database}.${table} already exists and ${reason}; sync will not overwrite it. ` +
        `Register this Delta table under another name (${say('name')}), or delete that Glue table first.`,
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
