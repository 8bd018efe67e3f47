/**
 * RESTORE's plan: make the latest version's data equal to an earlier version's, by re-adding
 * the files that version had and removing the ones it did not. Pure: two snapshots in, JSON out.
 */
import { fileKey } from '../../log/replay.js';
import type { AddFile } from '../../protocol/actions.js';
import { protocolsEqual, requiredProtocol } from '../../protocol/properties.js';
import type { Snapshot } from '../../snapshot/snapshot.js';
import type { RestorePlan } from './types.js';

export function planRestore(latest: Snapshot, target: Snapshot): RestorePlan {
  const current = new Map(latest.files().map((f) => [fileKey(f.path, f.deletionVector), f]));
  const wanted = new Map(target.files().map((f) => [fileKey(f.path, f.deletionVector), f]));
  const add: AddFile[] = [...wanted].filter(([k]) => !current.has(k)).map(([, f]) => f);
  const remove = [...current].filter(([k]) => !wanted.has(k)).map(([, f]) => f);
  const metadataChanged =
    target.metadata.schemaString !== latest.metadata.schemaString ||
    JSON.stringify(target.metadata) !== JSON.stringify(latest.metadata);
  // A protocol never goes down: keep the union of what both versions need.
  const protocol = requiredProtocol(target.properties, target.schema, latest.protocol);
  const sum = (fs: AddFile[]) => fs.reduce((n, f) => n + Number(f.size || 0), 0);
  return {
    readVersion: latest.version,
    restoredVersion: target.version,
    add,
    remove,
    ...(metadataChanged ? { metadata: target.metadata } : {}),
    ...(protocolsEqual(protocol, latest.protocol) ? {} : { protocol }),
    metrics: {
      numRestoredFiles: add.length,
      numRemovedFiles: remove.length,
      restoredFilesSize: sum(add),
      removedFilesSize: sum(remove),
      tableSizeAfterRestore: sum([...wanted.values()]),
      numOfFilesAfterRestore: wanted.size,
    },
  };
}
