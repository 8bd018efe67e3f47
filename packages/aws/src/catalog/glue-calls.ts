/**
 * The Glue API calls catalog sync makes, with Glue's errors turned into outcomes (not found,
 * already exists, concurrently modified) or typed errors (access denied names the action and
 * the resource).
 */
import type { GlueClient, Table, TableInput } from '@aws-sdk/client-glue';
import { AccessDeniedError } from '../errors.js';
import { loadGlueSdk } from './glue-sdk.js';

export interface GlueRef {
  client: GlueClient;
  catalogId?: string;
  database: string;
  name: string;
}

function errorName(err: unknown): string {
  return (err as { name?: string }).name ?? '';
}

function denied(err: unknown, ref: GlueRef, action: string, what: 'table' | 'database'): unknown {
  if (errorName(err) !== 'AccessDeniedException') return err;
  const resource = what === 'table' ? `Glue table ${ref.database}.${ref.name}` : `Glue database ${ref.database}`;
  return new AccessDeniedError(resource, `glue:${action}`, { cause: err });
}

/** The Glue table, or undefined when it (or its database) does not exist. */
export async function getTable(ref: GlueRef): Promise<Table | undefined> {
  const { GetTableCommand } = await loadGlueSdk();
  try {
    const out = await ref.client.send(
      new GetTableCommand({ CatalogId: ref.catalogId, DatabaseName: ref.database, Name: ref.name }),
    );
    return out.Table;
  } catch (err) {
    if (errorName(err) === 'EntityNotFoundException') return undefined;
    throw denied(err, ref, 'GetTable', 'table');
  }
}

export async function databaseExists(ref: GlueRef): Promise<boolean> {
  const { GetDatabaseCommand } = await loadGlueSdk();
  try {
    await ref.client.send(new GetDatabaseCommand({ CatalogId: ref.catalogId, Name: ref.database }));
    return true;
  } catch (err) {
    if (errorName(err) === 'EntityNotFoundException') return false;
    throw denied(err, ref, 'GetDatabase', 'database');
  }
}

/** Create the database; false when it already existed (created concurrently). */
export async function createDatabase(ref: GlueRef): Promise<boolean> {
  const { CreateDatabaseCommand } = await loadGlueSdk();
  try {
    await ref.client.send(
      new CreateDatabaseCommand({
        CatalogId: ref.catalogId,
        DatabaseInput: { Name: ref.database, Description: 'Delta tables registered by delta-serverless' },
      }),
    );
    return true;
  } catch (err) {
    if (errorName(err) === 'AlreadyExistsException') return false;
    throw denied(err, ref, 'CreateDatabase', 'database');
  }
}

/** Create the table; false when a table of that name appeared meanwhile. */
export async function createTable(ref: GlueRef, input: TableInput): Promise<boolean> {
  const { CreateTableCommand } = await loadGlueSdk();
  try {
    await ref.client.send(
      new CreateTableCommand({ CatalogId: ref.catalogId, DatabaseName: ref.database, TableInput: input }),
    );
    return true;
  } catch (err) {
    if (errorName(err) === 'AlreadyExistsException') return false;
    throw denied(err, ref, 'CreateTable', 'table');
  }
}

/**
 * Replace the table definition if it is still at `versionId` (Glue's optimistic check);
 * false when another writer changed it first.
 */
export async function updateTable(ref: GlueRef, input: TableInput, versionId: string | undefined): Promise<boolean> {
  const { UpdateTableCommand } = await loadGlueSdk();
  try {
    await ref.client.send(
      new UpdateTableCommand({
        CatalogId: ref.catalogId,
        DatabaseName: ref.database,
        TableInput: input,
        ...(versionId ? { VersionId: versionId } : {}),
      }),
    );
    return true;
  } catch (err) {
    if (errorName(err) === 'ConcurrentModificationException') return false;
    throw denied(err, ref, 'UpdateTable', 'table');
  }
}
