/**
 * @aws-sdk/client-dynamodb, loaded on first use. Evaluating it costs a cold process 25-45 ms
 * (bench cold-start), which writers that commit with S3 conditional writes never need to pay.
 */
import type * as DynamoSdk from '@aws-sdk/client-dynamodb';

export type DynamoSdkModule = typeof DynamoSdk;

let loading: Promise<DynamoSdkModule> | undefined;

export function loadDynamoSdk(): Promise<DynamoSdkModule> {
  return (loading ??= import('@aws-sdk/client-dynamodb'));
}
