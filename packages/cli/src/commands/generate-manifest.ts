/** `generate-manifest <table>`: Delta's GENERATE symlink_format_manifest. */
import { DeltaTable, generateSymlinkManifest, MANIFEST_DIR } from '@delta-serverless/core';
import { counted } from '../output/format.js';
import { openOptions, type CommonOptions } from './common.js';

export async function generateManifestCommand(
  uri: string,
  opts: CommonOptions,
  out: (s: string) => void,
): Promise<void> {
  const table = await DeltaTable.open(uri, openOptions(opts));
  const r = await generateSymlinkManifest(table);
  out(
    `wrote ${counted(r.written, 'manifest')} listing ${counted(r.files, 'file')} of version ${table.version} under ` +
      `${table.uri}/${MANIFEST_DIR}/` +
      `${r.deleted > 0 ? `; deleted ${counted(r.deleted, 'manifest')} of partitions that no longer exist` : ''}\n`,
  );
}
