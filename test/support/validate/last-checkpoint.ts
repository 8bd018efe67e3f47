/** `_last_checkpoint` (appendix "Last Checkpoint File Schema", including its JSON checksum). */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckpointContent } from './checkpoint-read.js';
import { isInt, isObject, show } from './json.js';
import type { Checkpoint } from './log-listing.js';
import type { Problems } from './problems.js';

/** What the validator learned about each complete checkpoint. */
export interface CheckpointFacts {
  checkpoint: Checkpoint;
  content: CheckpointContent;
}

/** Checks `_last_checkpoint` against the checkpoints actually present. */
export function checkLastCheckpoint(
  logDir: string,
  facts: CheckpointFacts[],
  allComplete: Checkpoint[],
  problems: Problems,
): void {
  const where = '_delta_log/_last_checkpoint';
  const text = fs.readFileSync(path.join(logDir, '_last_checkpoint'), 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    problems.error(where, `not valid JSON: ${show(text)}`);
    return;
  }
  if (!isObject(json) || !isInt(json.version) || json.version < 0) {
    problems.error(where, `must be an object with an integer "version", got ${show(json)}`);
    return;
  }
  const version = json.version;
  const parts = json.parts;
  if (parts !== undefined && parts !== null && (!isInt(parts) || parts < 1))
    problems.error(where, `"parts" must be a positive integer, got ${show(parts)}`);
  const candidates = allComplete.filter((c) => c.version === version);
  if (candidates.length === 0) {
    problems.error(where, `points at version ${version}, but there is no complete checkpoint for that version`);
    return;
  }
  const newest = Math.max(...allComplete.map((c) => c.version));
  if (newest > version)
    problems.warn(where, `points at version ${version}, but a newer checkpoint exists at ${newest}`);
  const matching = candidates.filter((c) =>
    isInt(parts) && parts > 1 ? c.kind === 'multipart' && c.files.length === parts : c.kind !== 'multipart',
  );
  if (matching.length === 0) {
    problems.error(
      where,
      `"parts": ${show(parts)} does not match the checkpoint files for version ${version} (${candidates.map((c) => c.label).join(', ')})`,
    );
    return;
  }
  const fact = facts.find((f) => matching.includes(f.checkpoint));
  if (!fact) return; // unreadable: already reported
  const { content } = fact;
  const adds = content.actions.filter((a) => a.key === 'add').length;
  if (!isInt(json.size))
    problems.error(where, `"size" must be an integer (number of actions in the checkpoint), got ${show(json.size)}`);
  else if (json.size !== content.actions.length && json.size !== content.topLevelActions) {
    problems.error(
      where,
      `"size" is ${json.size}, but checkpoint ${fact.checkpoint.label} holds ${content.actions.length} actions`,
    );
  }
  if (isInt(json.numOfAddFiles) && json.numOfAddFiles !== adds) {
    problems.error(
      where,
      `"numOfAddFiles" is ${json.numOfAddFiles}, but checkpoint ${fact.checkpoint.label} holds ${adds} add actions`,
    );
  }
  if (isInt(json.sizeInBytes) && json.sizeInBytes !== content.bytes) {
    problems.error(
      where,
      `"sizeInBytes" is ${json.sizeInBytes}, but checkpoint ${fact.checkpoint.label} has ${content.bytes} bytes`,
    );
  }
  if (typeof json.checksum === 'string') {
    const actual = lastCheckpointChecksum(json);
    if (actual !== json.checksum)
      problems.error(where, `"checksum" is ${json.checksum}, but the canonical JSON hashes to ${actual}`);
  }
}

/** MD5 of the protocol's canonical form of a `_last_checkpoint` object (its `checksum` key ignored). */
export function lastCheckpointChecksum(obj: Record<string, unknown>): string {
  const pairs: [string, string][] = [];
  const visit = (v: unknown, p: string[]): void => {
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...p, String(i)]));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) visit(x, [...p, `"${urlEncode(k)}"`]);
    else pairs.push([p.join('+'), typeof v === 'string' ? `"${urlEncode(v)}"` : String(v)]);
  };
  for (const [k, v] of Object.entries(obj)) if (k !== 'checksum') visit(v, [`"${urlEncode(k)}"`]);
  pairs.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  return createHash('md5')
    .update(pairs.map(([k, v]) => `${k}=${v}`).join(','))
    .digest('hex');
}

function urlEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
