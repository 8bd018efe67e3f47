/**
 * @aws-sdk/client-glue, loaded on first use: ingest and maintenance processes that sync no
 * catalog (and every cold start before the first sync) never evaluate it.
 */
import type * as GlueSdk from '@aws-sdk/client-glue';

export type GlueSdkModule = typeof GlueSdk;

let loading: Promise<GlueSdkModule> | undefined;

export function loadGlueSdk(): Promise<GlueSdkModule> {
  return (loading ??= import('@aws-sdk/client-glue'));
}
