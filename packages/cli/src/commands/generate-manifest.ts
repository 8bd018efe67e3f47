/** `generate-manifest <table>`: Delta's GENERATE symlink_format_manifest. */
import { DeltaTable, generateSymlinkManifest, MANIFEST_DIR } from '@delta-serverless/core';
import { openOptions, type CommonOptions } from './common.js';

export async function generateManifestCommand(
  uri: string,
  opts: CommonOptions,
  out: (s: string) => void,
): Promise<void> {
  const table = await DeltaTable.open(uri, openOptions(opts));
  const r = await generateSymlinkManifest(table);
  out(
    `wrote ${r.written} manifest(s) listing ${r.files} file(s) of version ${table.version} under ` +
      `${table.uri}/${MANIFEST_DIR}/` +
      `${r.deleted > 0 ? `; deleted ${r.deleted} manifest(s) of partitions that no longer exist` : ''}\n`,
  );
}
