/** Cross-checks of a replayed state: against a checkpoint's contents and against `N.crc` files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProtocolAction } from './actions.js';
import { isInt, isObject, jsonEqual, show } from './json.js';
import type { Problems } from './problems.js';
import { protocolText } from './protocol-rules.js';
import type { TableState } from './replay.js';

function sameProtocol(a: ProtocolAction, b: ProtocolAction): boolean {
  const set = (xs: string[] | undefined): string => [...(xs ?? [])].sort().join(',');
  return (
    a.minReaderVersion === b.minReaderVersion &&
    a.minWriterVersion === b.minWriterVersion &&
    set(a.readerFeatures) === set(b.readerFeatures) &&
    set(a.writerFeatures) === set(b.writerFeatures)
  );
}

function listSome(xs: string[]): string {
  return xs.length <= 5 ? xs.join(', ') : `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more`;
}

/** The checkpoint's state must equal the replay of the commits up to its version. */
export function compareWithCheckpoint(replayed: TableState, cp: TableState, where: string, problems: Problems): void {
  if (replayed.protocol && cp.protocol && !sameProtocol(replayed.protocol, cp.protocol)) {
    problems.error(
      where,
      `checkpoint protocol ${protocolText(cp.protocol)} differs from the replayed commits' ${protocolText(replayed.protocol)}`,
    );
  }
  const rm = replayed.meta?.metadata;
  const cm = cp.meta?.metadata;
  if (rm && cm) {
    for (const k of ['id', 'provider', 'schemaString', 'partitionColumns', 'configuration'] as const) {
      if (!jsonEqual(rm[k], cm[k]))
        problems.error(
          where,
          `checkpoint metaData.${k} ${show(cm[k])} differs from the replayed commits' ${show(rm[k])}`,
        );
    }
  }
  const missing = [...replayed.adds.values()].filter((e) => !cp.adds.has(e.key)).map((e) => e.add.path);
  const extra = [...cp.adds.values()].filter((e) => !replayed.adds.has(e.key)).map((e) => e.add.path);
  if (missing.length)
    problems.error(
      where,
      `checkpoint lacks ${missing.length} active file(s) of the replayed commits: ${listSome(missing)}`,
    );
  if (extra.length)
    problems.error(
      where,
      `checkpoint has ${extra.length} add(s) that are not active in the replayed commits: ${listSome(extra)}`,
    );
  for (const [key, c] of cp.adds) {
    const r = replayed.adds.get(key);
    if (!r) continue;
    if (r.add.size !== c.add.size)
      problems.error(where, `checkpoint add ${c.add.path}: size ${c.add.size}, commits say ${r.add.size}`);
    if (!jsonEqual(r.add.partitionValues, c.add.partitionValues)) {
      problems.error(
        where,
        `checkpoint add ${c.add.path}: partitionValues ${show(c.add.partitionValues)}, commits say ${show(r.add.partitionValues)}`,
      );
    }
    if (c.add.stats !== undefined && r.add.stats !== undefined && !jsonEqual(c.stats, r.stats)) {
      problems.error(
        where,
        `checkpoint add ${c.add.path}: stats ${show(c.add.stats)} differ from the commit's ${show(r.add.stats)}`,
      );
    }
  }
  for (const [key, rem] of cp.removes) {
    if (replayed.adds.has(key))
      problems.error(where, `checkpoint tombstone ${rem.path} is an active file in the replayed commits`);
    else if (!replayed.removes.has(key))
      problems.error(where, `checkpoint tombstone ${rem.path} was never removed by a commit`);
  }
  const txns = (s: TableState): Record<string, number> => Object.fromEntries(s.txns);
  if (!jsonEqual(txns(replayed), txns(cp)))
    problems.error(
      where,
      `checkpoint txn versions ${show(txns(cp))} differ from the replayed commits' ${show(txns(replayed))}`,
    );
  const domains = (s: TableState): Record<string, string> =>
    Object.fromEntries([...s.domains.values()].filter((d) => !d.removed).map((d) => [d.domain, d.configuration]));
  if (!jsonEqual(domains(replayed), domains(cp))) {
    problems.error(
      where,
      `checkpoint domainMetadata ${show(domains(cp))} differs from the replayed commits' ${show(domains(replayed))}`,
    );
  }
}

/** `N.crc` (Version Checksum File) must describe the replayed state at N. */
export function checkVersionChecksum(logDir: string, name: string, state: TableState, problems: Problems): void {
  const where = `_delta_log/${name}`;
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(path.join(logDir, name), 'utf8'));
  } catch {
    problems.error(where, 'version checksum file is not valid JSON');
    return;
  }
  if (!isObject(json)) {
    problems.error(where, 'version checksum file must hold one JSON object');
    return;
  }
  const files = [...state.adds.values()];
  const bytes = files.reduce((n, e) => n + e.add.size, 0);
  const expect = (field: string, actual: number): void => {
    const v = json[field];
    if (v === undefined) return;
    if (!isInt(v) || v !== actual)
      problems.error(where, `${field} is ${show(v)}, but the replayed state has ${actual}`);
  };
  expect('numFiles', files.length);
  expect('tableSizeBytes', bytes);
  expect('numMetadata', 1);
  expect('numProtocol', 1);
  for (const field of ['tableSizeBytes', 'numFiles', 'numMetadata', 'numProtocol', 'metadata', 'protocol'])
    if (json[field] === undefined)
      problems.warn(
        where,
        `required field ${field} is missing (PROTOCOL.md, Version Checksum File; old writers left it out)`,
      );
  const md = json.metadata;
  if (isObject(md) && state.meta) {
    const ours = state.meta.metadata;
    for (const k of ['id', 'schemaString', 'partitionColumns', 'configuration'] as const)
      if (!jsonEqual(md[k], ours[k]))
        problems.error(where, `metadata.${k} is ${show(md[k])}, but the replayed state has ${show(ours[k])}`);
  }
  const p = json.protocol;
  if (isObject(p) && state.protocol && !sameProtocol(p as unknown as ProtocolAction, state.protocol)) {
    problems.error(where, `protocol ${show(p)} differs from the replayed ${protocolText(state.protocol)}`);
  }
  const txns = json.setTransactions;
  if (Array.isArray(txns)) {
    const got = txns.map((t) => (isObject(t) ? `${String(t.appId)}@${String(t.version)}` : '?')).sort();
    const want = [...state.txns].map(([id, v]) => `${id}@${v}`).sort();
    if (!jsonEqual(got, want))
      problems.error(where, `setTransactions ${show(got)}, but the replayed state has ${show(want)}`);
  }
  const domains = json.domainMetadata;
  if (Array.isArray(domains)) {
    const got = domains.map((d) => (isObject(d) ? String(d.domain) : '?')).sort();
    const want = [...state.domains.values()]
      .filter((d) => !d.removed)
      .map((d) => d.domain)
      .sort();
    if (!jsonEqual(got, want))
      problems.error(where, `domainMetadata ${show(got)}, but the replayed state has ${show(want)}`);
  }
  const ict = json.inCommitTimestampOpt;
  if (
    ict !== undefined &&
    ict !== null &&
    state.lastInCommitTimestamp !== undefined &&
    ict !== state.lastInCommitTimestamp
  )
    problems.error(
      where,
      `inCommitTimestampOpt ${show(ict)}, but the commit's inCommitTimestamp is ${state.lastInCommitTimestamp}`,
    );
}
