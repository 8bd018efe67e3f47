/** Parse newline-delimited JSON log files (commits, JSON checkpoints) into actions. */
import { CorruptLogError } from '../errors.js';
import type { Action } from '../protocol/actions.js';

const decoder = new TextDecoder();

export function parseActions(bytes: Uint8Array, path: string): Action[] {
  const text = decoder.decode(bytes);
  const actions: Action[] = [];
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    const trimmed = line.trim();
    if (!trimmed) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new CorruptLogError(
        `${path} line ${lineNo} is not valid JSON (${(err as Error).message}); the commit file is corrupt`,
      );
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new CorruptLogError(`${path} line ${lineNo} is not a JSON object action`);
    }
    actions.push(parsed as Action);
  }
  return actions;
}

export function serializeActions(actions: readonly Action[]): Uint8Array {
  return new TextEncoder().encode(actions.map((a) => JSON.stringify(a)).join('\n') + '\n');
}
