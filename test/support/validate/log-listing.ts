/**
 * Classifies every file under _delta_log (section "Delta Log Entries", "Checkpoints" naming).
 * Unknown or temporary files are warnings, not errors: the protocol ignores them, and the S3
 * DynamoDB commit protocol legitimately leaves `.tmp/` objects until a lifecycle rule expires them.
 * A file that looks like a commit or checkpoint but is misnamed is an error (a writer bug).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Problems } from './problems.js';

export interface Checkpoint {
  version: number;
  kind: 'classic' | 'multipart' | 'uuid';
  format: 'parquet' | 'json';
  /** File names in _delta_log, in part order. */
  files: string[];
  /** Multi-part checkpoints are complete only when every part exists. */
  complete: boolean;
  /** Display name, e.g. `00000000000000000010.checkpoint.parquet`. */
  label: string;
}

export interface LogListing {
  commits: Map<number, string>;
  checkpoints: Checkpoint[];
  crcs: Map<number, string>;
  hasLastCheckpoint: boolean;
}

const COMMIT = /^(\d{20})\.json$/;
const CLASSIC = /^(\d{20})\.checkpoint\.parquet$/;
const MULTIPART = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const UUID_CP =
  /^(\d{20})\.checkpoint\.[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\.(json|parquet)$/;
const CRC = /^(\d{20})\.crc$/;
const COMPACTED = /^(\d{20})\.(\d{20})\.compacted\.json$/;
const KNOWN_DIRS = new Set(['_sidecars', '_staged_commits', '_commits']);

/** Lists and classifies _delta_log; reports stray and misnamed files. */
export function listLog(logDir: string, problems: Problems): LogListing {
  const out: LogListing = { commits: new Map(), checkpoints: [], crcs: new Map(), hasLastCheckpoint: false };
  const multipart = new Map<string, { version: number; total: number; parts: Map<number, string> }>();
  const names = new Set<string>();
  for (const entry of fs.readdirSync(logDir, { withFileTypes: true })) {
    const name = entry.name;
    const where = `_delta_log/${name}`;
    if (entry.isDirectory()) {
      if (KNOWN_DIRS.has(name)) continue;
      if (name === '.tmp' || name.includes('tmp')) {
        for (const f of fs.readdirSync(path.join(logDir, name)))
          problems.warn(`${where}/${f}`, 'temporary file left behind by an unfinished or crashed commit');
      } else problems.warn(where, 'unexpected directory in _delta_log');
      continue;
    }
    names.add(name);
    let m: RegExpExecArray | null;
    if ((m = COMMIT.exec(name))) out.commits.set(Number(m[1]), name);
    else if ((m = CLASSIC.exec(name))) {
      out.checkpoints.push({
        version: Number(m[1]),
        kind: 'classic',
        format: 'parquet',
        files: [name],
        complete: true,
        label: name,
      });
    } else if ((m = MULTIPART.exec(name))) {
      const key = `${m[1]}/${m[3]}`;
      let g = multipart.get(key);
      if (!g) multipart.set(key, (g = { version: Number(m[1]), total: Number(m[3]), parts: new Map() }));
      g.parts.set(Number(m[2]), name);
    } else if ((m = UUID_CP.exec(name))) {
      out.checkpoints.push({
        version: Number(m[1]),
        kind: 'uuid',
        format: m[2] as 'json' | 'parquet',
        files: [name],
        complete: true,
        label: name,
      });
    } else if ((m = CRC.exec(name))) out.crcs.set(Number(m[1]), name);
    else if (COMPACTED.test(name)) continue;
    else if (name === '_last_checkpoint') out.hasLastCheckpoint = true;
    else if (/^\d+\.json$/.test(name) || /^\d+\.checkpoint\b/.test(name)) {
      problems.error(where, 'log file name must use a 20-digit zero-padded version (e.g. 00000000000000000001.json)');
    } else if (name.startsWith('.') && name.endsWith('.crc')) {
      continue; // Hadoop checksum sidecars; judged below once every name is known
    } else if (/tmp|temp|partial|\.json\./i.test(name)) {
      problems.warn(where, 'temporary or partial file left behind in _delta_log');
    } else problems.warn(where, 'unexpected file in _delta_log');
  }
  for (const name of names) {
    if (!(name.startsWith('.') && name.endsWith('.crc'))) continue;
    const target = name.slice(1, -'.crc'.length);
    if (!names.has(target))
      problems.warn(
        `_delta_log/${name}`,
        'Hadoop checksum of a file that no longer exists (leftover of a temporary file)',
      );
  }
  for (const g of multipart.values()) {
    const files: string[] = [];
    for (let i = 1; i <= g.total; i++) {
      const f = g.parts.get(i);
      if (f) files.push(f);
    }
    const label = `${String(g.version).padStart(20, '0')}.checkpoint.*.${String(g.total).padStart(10, '0')}.parquet`;
    const complete = files.length === g.total && g.total > 0;
    if (!complete)
      problems.warn(
        `_delta_log/${label}`,
        `incomplete multi-part checkpoint (${files.length} of ${g.total} parts); readers must ignore it`,
      );
    out.checkpoints.push({ version: g.version, kind: 'multipart', format: 'parquet', files, complete, label });
  }
  out.checkpoints.sort((a, b) => a.version - b.version);
  return out;
}
