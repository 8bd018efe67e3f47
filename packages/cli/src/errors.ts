/**
 * Errors at the CLI boundary, in one place. Engine errors print as one line without a stack,
 * their advice worded with the CLI's flags and commands (`cliWords`: every Advice the engine
 * can give has CLI words here, or this does not compile). A few errors from outside the engine
 * that users cause (a port in use, no AWS credentials) get a sentence too; anything else is a
 * bug and prints its stack.
 */
import { DeltaError, type Advice, type Say } from '@delta-serverless/core';
import type { Io } from './io.js';

/** A value as one shell word: bare when safe, else single-quoted; a tab as `tab`. */
function shellWord(v: string): string {
  if (v === '\t') return 'tab';
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

function operationWords(a: Extract<Advice, { operation: string }>): string {
  switch (a.operation) {
    case 'setProperties':
      return `\`delta-serverless properties <table> set ${Object.entries(a.properties)
        .map(([k, v]) => shellWord(`${k}=${v}`))
        .join(' ')}\``;
    case 'unsetProperties':
      return `\`delta-serverless properties <table> unset ${a.keys.map(shellWord).join(' ')}\``;
    case 'addConstraint':
      return `\`delta-serverless constraints <table> add ${shellWord(a.name)} ${shellWord(a.expression)}\``;
    case 'dropConstraint':
      return `\`delta-serverless constraints <table> drop ${shellWord(a.name)}\``;
  }
}

/** The CLI's words for what an engine message tells the user to do. */
export const cliWords: Say = (a) => {
  if ('operation' in a) return operationWords(a);
  switch (a.option) {
    case 'schemaMode':
      return `--schema-mode ${a.value}`;
    case 'mode':
      return `--mode ${a.value}`;
    case 'ifNotExists':
      return '--if-not-exists';
    case 'enforceRetention':
      return '--force';
    case 'replaceWhere':
      return '--replace-where';
    case 'partitionOverwrite':
      return `--partition-overwrite ${a.value}`;
    case 'partitionBy':
      return a.column ? `--partition-by ${a.column}:<type>` : '--partition-by';
    case 'format':
      return '--format';
    case 'delimiter':
      return `--delimiter ${shellWord(a.value)}`;
    case 'retentionHours':
      return `--retain ${a.hours}h`;
    case 'schema':
      return a.purpose === 'widen'
        ? `create the table first (\`delta-serverless create <table> --schema <file.json>\`) giving column "${a.column ?? ''}" a wider type (e.g. string)`
        : 'create the table first with `delta-serverless create <table> --schema <file.json>` including it';
    case 'batchRows':
      return a.change === 'raise'
        ? 'put rows with every key near the top of the file'
        : 'split the input into smaller files';
    case 'txn':
      return "Check the table's history (`delta-serverless history <table>`) before running the command again.";
    case 'retryDeadline':
      return '';
    case 'maxColumns':
      return '--max-columns';
    case 'encoding':
      return '--encoding latin1 or --encoding windows-1252';
    case 'maxSourceBytes':
      return '--max-source-bytes';
    case 'mergeClause': {
      const flag = {
        matched: '--when-matched',
        notMatched: '--when-not-matched',
        notMatchedBySource: '--when-not-matched-by-source',
      }[a.kind];
      const value = a.action === 'delete' ? 'delete' : a.all ? `${a.action}-all` : `'update set ...'`;
      return `${flag} ${value}`;
    }
  }
};

/** What a user can do about an error from outside the engine, or undefined for a bug. */
function outsideEngine(err: unknown): string | undefined {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; port?: unknown };
  if (e.code === 'EADDRINUSE')
    return `port ${String(e.port ?? '')} is in use (another \`delta-serverless dev\`?); stop it, or pick other ports with --port and --dynamodb-port`;
  if (e.name === 'CredentialsProviderError')
    return (
      `no AWS credentials: ${String(e.message)}. Set AWS_PROFILE or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY ` +
      '(or pass them with --storage-option KEY=VALUE)'
    );
  return undefined;
}

/** Print `err` for the user; returns the exit code (1). */
export function reportError(err: unknown, io: Io): number {
  if (err instanceof DeltaError) {
    io.err(`error: ${err.messageIn(cliWords)}\n`);
    return 1;
  }
  const said = outsideEngine(err);
  io.err(said ? `error: ${said}\n` : `unexpected error: ${(err as Error).stack ?? String(err)}\n`);
  return 1;
}
