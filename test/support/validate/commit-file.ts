/** Reads one commit file: NDJSON, one known action per line (section "Delta Log Entries"). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTION_KEYS, type ActionKey } from './actions.js';
import type { RawAction } from './checkpoint-read.js';
import { isObject, show, type JsonObject } from './json.js';
import { commitWhere, type Problems } from './problems.js';

/** Parsed actions of `<version>.json`, with every malformed line reported and skipped. */
export function readCommit(logDir: string, version: number, name: string, problems: Problems): RawAction[] {
  const text = fs.readFileSync(path.join(logDir, name), 'utf8');
  if (text.trim() === '') {
    problems.error(commitWhere(version), 'commit file is empty (a partial write?)');
    return [];
  }
  const lines = text.split('\n');
  // A single trailing newline is fine; other blank lines are not part of NDJSON.
  if (lines[lines.length - 1] === '') lines.pop();
  const out: RawAction[] = [];
  const counts = new Map<string, number>();
  lines.forEach((line, i) => {
    const where = commitWhere(version, i + 1);
    if (line.endsWith('\r')) problems.warn(where, 'line ends with CR (commit files are LF-delimited)');
    if (line.trim() === '') {
      problems.error(where, 'blank line inside a commit file');
      return;
    }
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      problems.error(
        where,
        `line is not valid JSON (truncated or partial write?): ${(e as Error).message}; line starts ${show(line.slice(0, 60))}`,
      );
      return;
    }
    if (!isObject(obj)) {
      problems.error(where, `line must be a JSON object holding one action, got ${show(obj)}`);
      return;
    }
    const keys = Object.keys(obj);
    if (keys.length !== 1) {
      problems.error(
        where,
        `line must hold exactly one action key, got ${keys.length === 0 ? 'none' : keys.join(', ')}`,
      );
      return;
    }
    const key = keys[0];
    if (!(ACTION_KEYS as readonly string[]).includes(key)) {
      problems.error(where, `unknown action key '${key}' (known: ${ACTION_KEYS.join(', ')})`);
      return;
    }
    if (key === 'checkpointMetadata' || key === 'sidecar') {
      problems.error(where, `${key} actions are only allowed in v2 checkpoints, not in commit files`);
      return;
    }
    if (!isObject(obj[key])) {
      problems.error(where, `${key} must be a JSON object, got ${show(obj[key])}`);
      return;
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
    out.push({ key: key as ActionKey, value: obj[key] as JsonObject, where });
  });
  for (const k of ['protocol', 'metaData', 'commitInfo']) {
    const n = counts.get(k) ?? 0;
    if (n > 1) problems.error(commitWhere(version), `a commit may hold at most one ${k} action, found ${n}`);
  }
  return out;
}
