/**
 * Glue database and table names that Athena, Hive and Spark all accept: lowercase letters,
 * digits and underscores (Glue folds names to lowercase; Athena rejects other characters).
 */
import { CatalogNameError } from './errors.js';

const VALID = /^[a-z0-9_]{1,255}$/;

/** `Sales-2024` -> `sales_2024`. */
export function toCatalogName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 255);
}

/** A given name, lowercased; throws CatalogNameError naming a valid alternative. */
export function checkName(kind: 'database' | 'table', raw: string): string {
  const name = raw.toLowerCase();
  if (VALID.test(name)) return name;
  const suggestion = toCatalogName(raw);
  throw new CatalogNameError(kind, raw, suggestion !== '' ? suggestion : undefined);
}

/** The default Glue name of a table: its Delta name, else the last path segment. */
export function defaultTableName(deltaName: string | null | undefined, uri: string): string {
  const segment = uri.replace(/\/+$/, '').split('/').pop() ?? '';
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // a stray '%': use the segment as it is
  }
  const source = deltaName || decoded;
  const name = toCatalogName(source);
  if (name === '') throw new CatalogNameError('table', source);
  return name;
}
