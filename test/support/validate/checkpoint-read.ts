/** Reads checkpoint files (classic, multi-part, UUID-named v2 with sidecars) into raw actions. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ACTION_KEYS, checkSidecar, type ActionKey } from './actions.js';
import { loadHyparquet, type SchemaTree } from './deps.js';
import { isObject, normalizeBigInts, show, type JsonObject } from './json.js';
import type { Checkpoint } from './log-listing.js';
import type { Problems } from './problems.js';

export interface RawAction {
  key: ActionKey;
  value: JsonObject;
  where: string;
}

export interface CheckpointContent {
  actions: RawAction[];
  /** Actions in the checkpoint file(s) themselves, sidecar actions excluded. */
  topLevelActions: number;
  /** Bytes of the checkpoint file(s) plus their sidecars. */
  bytes: number;
  /** Parquet schemas of the checkpoint files and of their sidecars, for the schema comparison. */
  parquetSchemas: { where: string; root: SchemaTree; sidecar: boolean }[];
}

/** Reads every file of a complete checkpoint; undefined when it cannot be read (reported). */
export async function readCheckpoint(
  logDir: string,
  cp: Checkpoint,
  problems: Problems,
): Promise<CheckpointContent | undefined> {
  const content: CheckpointContent = { actions: [], topLevelActions: 0, bytes: 0, parquetSchemas: [] };
  for (const name of cp.files) {
    const file = path.join(logDir, name);
    content.bytes += fs.statSync(file).size;
    const where = `checkpoint ${name}`;
    const actions =
      cp.format === 'json'
        ? readJsonActions(file, where, problems)
        : await readParquetActions(file, where, false, content, problems);
    if (!actions) return undefined;
    content.actions.push(...actions);
    content.topLevelActions += actions.length;
  }
  for (const a of [...content.actions]) {
    if (a.key !== 'sidecar') continue;
    const sc = checkSidecar(a.value, a.where, problems);
    if (!sc) continue;
    let rel: string;
    try {
      rel = decodeURIComponent(sc.path);
    } catch {
      rel = sc.path;
    }
    const file = rel.includes('/') ? path.join(logDir, '..', rel) : path.join(logDir, '_sidecars', rel);
    const where = `sidecar _sidecars/${path.basename(file)} (of ${cp.label})`;
    if (!fs.existsSync(file)) {
      problems.error(where, 'sidecar file referenced by the checkpoint does not exist');
      return undefined;
    }
    const size = fs.statSync(file).size;
    if (size !== sc.sizeInBytes)
      problems.error(where, `sidecar.sizeInBytes is ${sc.sizeInBytes} but the file has ${size} bytes`);
    content.bytes += size;
    const rows = await readParquetActions(file, where, true, content, problems);
    if (!rows) return undefined;
    for (const r of rows) {
      if (r.key !== 'add' && r.key !== 'remove')
        problems.error(r.where, `sidecar files may only hold add and remove actions, found ${r.key}`);
      else content.actions.push(r);
    }
  }
  return content;
}

function readJsonActions(file: string, where: string, problems: Problems): RawAction[] | undefined {
  const out: RawAction[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(lines[i]);
    } catch {
      problems.error(`${where}:${i + 1}`, 'line is not valid JSON');
      return undefined;
    }
    const keys = isObject(obj) ? Object.keys(obj) : [];
    if (
      !isObject(obj) ||
      keys.length !== 1 ||
      !(ACTION_KEYS as readonly string[]).includes(keys[0]) ||
      !isObject(obj[keys[0]])
    ) {
      problems.error(
        `${where}:${i + 1}`,
        `each line must be one object with exactly one known action, got ${show(obj)}`,
      );
      continue;
    }
    out.push({ key: keys[0] as ActionKey, value: obj[keys[0]] as JsonObject, where: `${where}:${i + 1}` });
  }
  return out;
}

async function readParquetActions(
  file: string,
  where: string,
  sidecar: boolean,
  content: CheckpointContent,
  problems: Problems,
): Promise<RawAction[] | undefined> {
  const hp = await loadHyparquet();
  let rows: Record<string, unknown>[];
  try {
    const buffer = await hp.asyncBufferFromFile(file);
    const metadata = await hp.parquetMetadataAsync(buffer);
    content.parquetSchemas.push({ where, root: hp.parquetSchema(metadata), sidecar });
    rows = await hp.parquetReadObjects({ file: buffer, metadata });
  } catch (e) {
    problems.error(where, `checkpoint Parquet file is unreadable: ${(e as Error).message}`);
    return undefined;
  }
  const out: RawAction[] = [];
  rows.forEach((row, i) => {
    const present = ACTION_KEYS.filter((k) => row[k] !== null && row[k] !== undefined);
    const at = `${where} row ${i}`;
    if (present.length !== 1) {
      problems.error(
        at,
        `each checkpoint row must hold exactly one action, found ${present.length === 0 ? 'none' : present.join(', ')}`,
      );
      return;
    }
    const value = normalizeBigInts(row[present[0]]);
    if (!isObject(value)) problems.error(at, `${present[0]} must be a struct, got ${show(value)}`);
    else out.push({ key: present[0], value, where: at });
  });
  return out;
}
