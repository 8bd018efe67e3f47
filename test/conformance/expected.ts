/** Shape of a corpus `<table>.expected.json` (see the corpus README). */
import type { LogInspection } from './log-inspection.js';

export interface ExpectedColumn {
  name: string;
  type: string;
}

export interface ExpectedRows {
  numRows?: number | null;
  columns?: ExpectedColumn[];
  rows?: unknown[][];
  projection?: boolean;
  prettyTableCaveat?: string;
}

export interface ExpectedQuery extends ExpectedRows {
  name: string;
  predicate?: string;
}

export interface ExpectedChangeFeed extends ExpectedRows {
  startVersion: number;
  endVersion: number | null;
}

export interface Expected extends ExpectedRows {
  table: string;
  tablePath: string;
  version?: number;
  expectError?: string;
  otherVersions?: Record<string, ExpectedRows>;
  queries?: ExpectedQuery[];
  changeFeed?: ExpectedChangeFeed[];
  aggregates?: Record<string, Record<string, unknown>>;
  logFacts?: Record<string, unknown>;
  crossCheck?: ExpectedRows;
  expectedNote?: string;
  deltaSchema?: unknown;
  logInspection?: LogInspection;
}
