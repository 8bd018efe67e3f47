import { DeltaTable } from '@delta-serverless/core';
import { parseCount } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';

export interface HistoryCommandOptions extends CommonOptions {
  limit?: string;
  json?: boolean;
}

export async function historyCommand(
  uri: string,
  opts: HistoryCommandOptions,
  out: (s: string) => void,
): Promise<void> {
  const table = await DeltaTable.open(uri, openOptions(opts));
  const entries = await table.history({
    limit: opts.limit !== undefined ? parseCount(opts.limit, '--limit') : undefined,
  });
  if (opts.json) {
    for (const e of entries) out(JSON.stringify(e) + '\n');
    return;
  }
  out('version  timestamp                 operation            parameters\n');
  for (const e of entries) {
    const params = e.operationParameters ? JSON.stringify(e.operationParameters) : '';
    out(
      `${String(e.version).padEnd(8)} ${new Date(e.timestamp).toISOString().padEnd(25)} ${String(e.operation ?? '').padEnd(20)} ${params.length > 80 ? params.slice(0, 79) + '…' : params}\n`,
    );
  }
}
