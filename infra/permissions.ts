/**
 * Least-privilege IAM statements of the three functions and the ingest queue's resource policy,
 * as pure functions of ARNs and settings (tests inspect them without AWS). The SST components
 * pass them as `permissions:`; nothing is granted through `link` (SST's links grant `s3:*`,
 * `sqs:*`, `dynamodb:*`).
 *
 * What the engine calls (packages/aws/src):
 * - S3Store: GetObject (ranged), HeadObject (authorised by s3:GetObject), PutObject (conditional
 *   and multipart: s3:PutObject covers Create/UploadPart/Complete), AbortMultipartUpload (a failed
 *   streaming upload), ListObjectsV2 (s3:ListBucket), DeleteObjects (s3:DeleteObject per key).
 * - The ingest source reader: GetObject/HeadObject with the event's VersionId on a versioned
 *   bucket, which S3 authorises by s3:GetObjectVersion.
 * - DynamoDB coordinator: GetItem (previous entry), PutItem (claim a version), UpdateItem (mark
 *   complete, also during recovery), Query (newest entry, on every log load).
 * test/aws/iam-calls.test.ts runs the handlers and checks every request they make against these.
 */
import { ingestTables, maintenanceTables, tableKeyPrefix, type Settings } from './config.js';

/** An allow statement in the shape of SST's FunctionPermissionArgs. */
export interface Statement {
  actions: string[];
  resources: string[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

export const TABLE_READ_ACTIONS = ['s3:GetObject'];
/** Reading an object version by its id (GetObject/HeadObject with VersionId). */
export const VERSION_READ_ACTIONS = ['s3:GetObjectVersion'];
export const TABLE_WRITE_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload'];
export const TABLE_DELETE_ACTIONS = ['s3:DeleteObject'];
/** Everything the DynamoDB coordinator calls: commit and recovery. */
export const LOCK_TABLE_COMMIT_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
];
/** What Lambda's SQS event source does with the function's role (nothing else on the queue). */
export const EVENT_SOURCE_SQS_ACTIONS = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
];

export interface IngestArns {
  bucketArn: string;
  lockTableArn: string;
  queueArn: string;
  /** Object key of the routes, when they live in an S3 object (infra/environment.ts). */
  configKey?: string;
}

export interface MaintenanceArns {
  bucketArn: string;
  lockTableArn: string;
  workerArn: string;
  /** Object key of the policies, when they live in an S3 object. */
  configKey?: string;
}

export interface WorkerArns {
  bucketArn: string;
}

/** Ingest: read uploads, read/write/delete its routed tables, commit, consume the queue. */
export function ingestStatements(s: Settings, arns: IngestArns): Statement[] {
  const tables = tableObjects(arns.bucketArn, s, ingestTables(s));
  return compact([
    // Uploads are read only: ingest never deletes or rewrites what landed. On a versioned
    // bucket every read names the event's version (s3:GetObjectVersion).
    {
      actions: [...TABLE_READ_ACTIONS, ...(s.versioning ? VERSION_READ_ACTIONS : [])],
      resources: [`${arns.bucketArn}/${s.landingPrefix}*`],
    },
    configObject(arns.bucketArn, arns.configKey),
    // Delete: temp commit files of a lost race, log cleanup after checkpoints.
    { actions: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS, ...TABLE_DELETE_ACTIONS], resources: tables },
    listBucket(arns.bucketArn),
    { actions: LOCK_TABLE_COMMIT_ACTIONS, resources: [arns.lockTableArn] },
    { actions: EVENT_SOURCE_SQS_ACTIONS, resources: [arns.queueArn] },
  ]);
}

/** Maintenance: checkpoint, OPTIMIZE commits and VACUUM deletes on its tables; invoke the worker. */
export function maintenanceStatements(s: Settings, arns: MaintenanceArns): Statement[] {
  return compact([
    {
      actions: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS, ...TABLE_DELETE_ACTIONS],
      resources: tableObjects(arns.bucketArn, s, maintenanceTables(s)),
    },
    listBucket(arns.bucketArn),
    configObject(arns.bucketArn, arns.configKey),
    { actions: LOCK_TABLE_COMMIT_ACTIONS, resources: [arns.lockTableArn] },
    // Exactly the worker (unqualified ARN: the handler invokes $LATEST by name).
    { actions: ['lambda:InvokeFunction'], resources: [arns.workerArn] },
  ]);
}

/**
 * Optimize worker: read the bins' files, write compacted ones, delete its own output when a
 * bin fails; the maintenance function commits. No DynamoDB: it never opens a snapshot.
 */
export function workerStatements(s: Settings, arns: WorkerArns): Statement[] {
  return compact([
    {
      actions: [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS, ...TABLE_DELETE_ACTIONS],
      resources: tableObjects(arns.bucketArn, s, maintenanceTables(s)),
    },
    listBucket(arns.bucketArn),
  ]);
}

/** An IAM policy document (resource policy), as JSON-serialisable data. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: {
    Sid: string;
    Effect: 'Allow';
    Principal: { Service: string };
    Action: string;
    Resource: string;
    Condition: Record<string, Record<string, string>>;
  }[];
}

/**
 * The ingest queue's policy: only S3 may send, and only on behalf of the data bucket in this
 * account (SST's own bucket-notification policy lets any S3 bucket, SNS topic or EventBridge
 * rule send, so it is not used).
 */
export function ingestQueuePolicy(queueArn: string, bucketArn: string, accountId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DataBucketNotifications',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': accountId } },
      },
    ],
  };
}

/**
 * s3:ListBucket is granted on the bucket without an `s3:prefix` condition, on purpose: S3 answers
 * a GET/HEAD of a missing key with 404 only to callers allowed to list the bucket, and the engine
 * depends on 404s (`_last_checkpoint` and `N.json` existence checks); a prefix-conditioned grant
 * is not evaluated for those requests, so they would fail with 403. The bucket holds only this
 * app's uploads and tables, and listing reveals key names, not contents.
 */
function listBucket(bucketArn: string): Statement {
  return { actions: ['s3:ListBucket'], resources: [bucketArn] };
}

/** GetObject on exactly the configuration object (none when the configuration is in the environment). */
function configObject(bucketArn: string, key: string | undefined): Statement {
  return { actions: TABLE_READ_ACTIONS, resources: key ? [`${bucketArn}/${key}`] : [] };
}

function tableObjects(bucketArn: string, s: Settings, tables: string[]): string[] {
  return tables.map((t) => `${bucketArn}/${tableKeyPrefix(s, t)}*`);
}

/** IAM rejects statements without resources (e.g. no routes configured). */
function compact(statements: Statement[]): Statement[] {
  return statements.filter((st) => st.resources.length > 0);
}
