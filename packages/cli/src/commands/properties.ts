/**
 * `properties <table>` lists the table's properties; `properties <table> set k=v [k=v ...]` and
 * `properties <table> unset k [k ...] [--if-exists]` change them in one commit each (ALTER TABLE
 * SET / UNSET TBLPROPERTIES), upgrading the protocol when a property needs a table feature.
 */
import { DeltaTable, InvalidArgumentError, type Protocol } from '@delta-serverless/core';
import { openOptions, type CommonOptions } from './common.js';
import { tableFeatures } from './describe.js';
import { counted } from '../output/format.js';

export interface PropertiesCommandOptions extends CommonOptions {
  ifExists?: boolean;
  json?: boolean;
}

type Out = (s: string) => void;

function list(table: DeltaTable, opts: PropertiesCommandOptions, out: Out): void {
  const props = table.snapshot.properties;
  if (opts.json) return out(JSON.stringify(props, null, 2) + '\n');
  const keys = Object.keys(props).sort();
  if (keys.length === 0) return out(`no properties (version ${table.version})\n`);
  for (const k of keys) out(`${k} = ${props[k]!}\n`);
}

/** `k=v` words as properties; the value may contain `=`. */
function parseAssignments(words: readonly string[]): Record<string, string> {
  if (words.length === 0)
    throw new InvalidArgumentError(
      'properties set takes key=value pairs, e.g. `delta-serverless properties <table> set delta.appendOnly=true`',
    );
  const props: Record<string, string> = {};
  for (const w of words) {
    const i = w.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`properties set: "${w}" is not key=value`);
    props[w.slice(0, i)] = w.slice(i + 1);
  }
  return props;
}

/** What the protocol gained, if anything: ` (protocol now reader 3, writer 7: + deletionVectors)`. */
function upgrade(before: Protocol, after: Protocol): string {
  if (JSON.stringify(before) === JSON.stringify(after)) return '';
  const had = new Set([...tableFeatures(before).reader, ...tableFeatures(before).writer]);
  const added = [...new Set([...tableFeatures(after).reader, ...tableFeatures(after).writer])].filter(
    (f) => !had.has(f),
  );
  return (
    `; protocol upgraded to reader ${after.minReaderVersion}, writer ${after.minWriterVersion}` +
    (added.length ? ` (${added.join(', ')})` : '')
  );
}

async function set(table: DeltaTable, words: readonly string[], out: Out): Promise<void> {
  const props = parseAssignments(words);
  const before = table.snapshot.protocol;
  const snap = await table.setProperties(props);
  const said = Object.entries(props).map(([k, v]) => `${k}=${v}`);
  out(`version ${snap.version}: set ${said.join(', ')}${upgrade(before, snap.protocol)}\n`);
}

async function unset(table: DeltaTable, keys: readonly string[], opts: PropertiesCommandOptions, out: Out) {
  if (keys.length === 0)
    throw new InvalidArgumentError(
      'properties unset takes property keys, e.g. `delta-serverless properties <table> unset delta.appendOnly`',
    );
  const r = await table.unsetProperties(keys, { ifExists: opts.ifExists });
  out(
    r.removed.length
      ? `version ${r.version}: unset ${r.removed.join(', ')}\n`
      : `the table has none of ${counted(keys.length, 'property', 'properties')} given; nothing changed (version ${r.version})\n`,
  );
}

export async function propertiesCommand(
  uri: string,
  action: 'set' | 'unset' | undefined,
  args: readonly string[],
  opts: PropertiesCommandOptions,
  out: Out,
): Promise<void> {
  if (action === undefined && args.length > 0)
    throw new InvalidArgumentError(`properties: expected set or unset after the table, got "${args[0]!}"`);
  if (opts.ifExists && action !== 'unset')
    throw new InvalidArgumentError('--if-exists goes with `properties <table> unset`');
  const table = await DeltaTable.open(uri, openOptions(opts));
  if (action === 'set') return set(table, args, out);
  if (action === 'unset') return unset(table, args, opts, out);
  list(table, opts, out);
}
