/** CONVERT TO DELTA's commit: version 0, Spark's `CONVERT` operation. */
import type { Engine } from '../../engine/engine.js';
import type { Metadata } from '../../protocol/actions.js';
import { schemaToString } from '../../protocol/schema.js';
import { commitTransaction } from '../../transaction/index.js';
import type { ConvertOptions, ConvertPlan, ConvertResult } from './types.js';

export async function commitConvert(
  engine: Engine,
  plan: ConvertPlan,
  options: ConvertOptions = {},
): Promise<ConvertResult> {
  const metadata: Metadata = {
    id: engine.ids.uuid(),
    ...(plan.name ? { name: plan.name } : {}),
    ...(plan.description ? { description: plan.description } : {}),
    format: { provider: 'parquet', options: {} },
    schemaString: schemaToString(plan.schema),
    partitionColumns: plan.partitionColumns,
    configuration: plan.configuration,
    createdTime: engine.clock.now(),
  };
  const outcome = await commitTransaction(
    engine,
    undefined,
    {
      actions: [{ protocol: plan.protocol }, { metaData: metadata }, ...plan.adds.map((add) => ({ add }))],
      operation: 'CONVERT',
      operationParameters: {
        numFiles: plan.adds.length,
        partitionedBy: JSON.stringify(plan.partitionColumns),
        collectStats: true,
      },
      isBlindAppend: false,
    },
    options,
  );
  return {
    version: outcome.version,
    numFiles: plan.adds.length,
    numRecords: plan.numRecords,
    schema: plan.schema,
    partitionColumns: plan.partitionColumns,
    snapshot: outcome.snapshot,
  };
}
