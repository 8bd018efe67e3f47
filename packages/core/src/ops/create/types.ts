/** CREATE TABLE's options. */
import type * as arrow from 'apache-arrow';
import type { StructType } from '../../protocol/schema.js';
import type { CommitOptions } from '../../transaction/index.js';

export interface CreateTableOptions extends CommitOptions {
  /** Delta schema, or an Arrow schema to convert. */
  schema: StructType | arrow.Schema;
  partitionBy?: readonly string[];
  properties?: Record<string, string>;
  name?: string;
  description?: string;
  /** Return the existing table instead of failing when one exists. */
  ifNotExists?: boolean;
}
