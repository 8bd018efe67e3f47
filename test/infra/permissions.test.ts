import { describe, expect, it } from 'vitest';
import { resolveSettings, type Settings } from '../../infra/config.js';
import {
  ingestQueuePolicy,
  ingestStatements,
  maintenanceStatements,
  workerStatements,
  type Statement,
} from '../../infra/permissions.js';

const BUCKET = 'arn:aws:s3:::ds-data-bucket';
const LOCK = 'arn:aws:dynamodb:eu-west-1:123456789012:table/ds-LockTable';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:ds-Ingest';
const WORKER = 'arn:aws:lambda:eu-west-1:123456789012:function:ds-OptimizeWorker';

const CONFIG = JSON.stringify({
  routes: [
    { prefix: 'sales/', table: 'sales' },
    { prefix: 'clicks/', table: 'web/clicks' },
  ],
  maintenance: [{ table: 'sales' }, { table: 'archive' }],
});
const settings: Settings = resolveSettings('test', { DS_CONFIG: CONFIG });
const ingest = ingestStatements(settings, { bucketArn: BUCKET, lockTableArn: LOCK, queueArn: QUEUE });
const maintenance = maintenanceStatements(settings, { bucketArn: BUCKET, lockTableArn: LOCK, workerArn: WORKER });
const worker = workerStatements(settings, { bucketArn: BUCKET });
const all: [string, Statement[]][] = [
  ['ingest', ingest],
  ['maintenance', maintenance],
  ['worker', worker],
];

/** Does any statement allow `action` on `resource` (IAM `*` wildcards in resources)? */
function allows(statements: Statement[], action: string, resource: string): boolean {
  return statements.some(
    (st) =>
      st.actions.includes(action) &&
      st.resources.some((r) =>
        new RegExp(`^${r.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(resource),
      ),
  );
}

function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => s.actions).sort();
}

describe('least-privilege statements', () => {
  it.each(all)('%s: no wildcard action', (_name, statements) => {
    for (const a of statements.flatMap((s) => s.actions)) {
      expect(a).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
      expect(a.endsWith('*')).toBe(false);
    }
  });

  it.each(all)(
    '%s: every resource names the bucket, a configured prefix, the lock table, queue or worker',
    (_n, sts) => {
      const objectPrefixes = [
        `${BUCKET}/config/`,
        `${BUCKET}/landing/`,
        `${BUCKET}/tables/sales/`,
        `${BUCKET}/tables/web/clicks/`,
        `${BUCKET}/tables/archive/`,
      ];
      for (const st of sts) {
        expect(st.resources.length).toBeGreaterThan(0);
        for (const r of st.resources) {
          expect(r).not.toBe('*');
          const ok = [BUCKET, LOCK, QUEUE, WORKER].includes(r) || objectPrefixes.some((p) => r === `${p}*`);
          expect(ok, `unexpected resource ${r}`).toBe(true);
        }
      }
    },
  );

  it('ingest reads uploads but cannot change or delete them', () => {
    expect(allows(ingest, 's3:GetObject', `${BUCKET}/landing/sales/2026/a.parquet`)).toBe(true);
    expect(allows(ingest, 's3:DeleteObject', `${BUCKET}/landing/sales/2026/a.parquet`)).toBe(false);
    expect(allows(ingest, 's3:PutObject', `${BUCKET}/landing/sales/2026/a.parquet`)).toBe(false);
  });

  it('ingest writes only its routed tables', () => {
    for (const a of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']) {
      expect(allows(ingest, a, `${BUCKET}/tables/sales/_delta_log/00000000000000000001.json`)).toBe(true);
      expect(allows(ingest, a, `${BUCKET}/tables/web/clicks/part-0.parquet`)).toBe(true);
    }
    // Not a maintenance-only table, not a sibling whose name starts the same.
    expect(allows(ingest, 's3:PutObject', `${BUCKET}/tables/archive/x.parquet`)).toBe(false);
    expect(allows(ingest, 's3:PutObject', `${BUCKET}/tables/sales-eu/x.parquet`)).toBe(false);
  });

  it("ingest: the coordinator's DynamoDB calls and only the event source's SQS calls", () => {
    expect(ingest.find((s) => s.resources.includes(LOCK))!.actions.sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(ingest.find((s) => s.resources.includes(QUEUE))!.actions.sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
    ]);
    expect(actionsOf(ingest)).not.toContain('sqs:SendMessage');
    expect(actionsOf(ingest)).not.toContain('lambda:InvokeFunction');
  });

  it('maintenance invokes exactly the worker and vacuums only its tables', () => {
    const invoke = maintenance.filter((s) => s.actions.includes('lambda:InvokeFunction'));
    expect(invoke).toEqual([{ actions: ['lambda:InvokeFunction'], resources: [WORKER] }]);
    expect(allows(maintenance, 's3:DeleteObject', `${BUCKET}/tables/archive/part-1.parquet`)).toBe(true);
    expect(allows(maintenance, 's3:DeleteObject', `${BUCKET}/tables/web/clicks/part-1.parquet`)).toBe(false);
    expect(allows(maintenance, 's3:GetObject', `${BUCKET}/landing/sales/a.parquet`)).toBe(false);
    expect(allows(maintenance, 'dynamodb:PutItem', LOCK)).toBe(true);
  });

  it('the worker reads, writes and deletes (its failed output) table files; no DynamoDB, no invoke', () => {
    expect(allows(worker, 's3:PutObject', `${BUCKET}/tables/sales/part-9.parquet`)).toBe(true);
    expect(allows(worker, 's3:GetObject', `${BUCKET}/tables/sales/part-1.parquet`)).toBe(true);
    expect(allows(worker, 's3:DeleteObject', `${BUCKET}/tables/sales/part-9.parquet`)).toBe(true);
    expect(allows(worker, 's3:DeleteObject', `${BUCKET}/landing/sales/a.csv`)).toBe(false);
    expect(actionsOf(worker).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    expect(actionsOf(worker)).not.toContain('lambda:InvokeFunction');
  });

  it('versioned bucket: ingest may read the upload version its event names (s3:GetObjectVersion)', () => {
    const upload = `${BUCKET}/landing/sales/2026/a.parquet`;
    expect(allows(ingest, 's3:GetObjectVersion', upload)).toBe(false);
    const versioned = resolveSettings('test', {
      DS_CONFIG: JSON.stringify({ ...JSON.parse(CONFIG), versioning: true }),
    });
    const sts = ingestStatements(versioned, { bucketArn: BUCKET, lockTableArn: LOCK, queueArn: QUEUE });
    expect(allows(sts, 's3:GetObjectVersion', upload)).toBe(true);
    expect(allows(sts, 's3:GetObjectVersion', `${BUCKET}/tables/sales/part-1.parquet`)).toBe(false);
  });

  it('configuration objects: GetObject on exactly that key, only when there is one', () => {
    const key = 'config/ingest-routes-0123456789abcdef.json';
    const withKey = ingestStatements(settings, {
      bucketArn: BUCKET,
      lockTableArn: LOCK,
      queueArn: QUEUE,
      configKey: key,
    });
    expect(allows(withKey, 's3:GetObject', `${BUCKET}/${key}`)).toBe(true);
    expect(allows(withKey, 's3:GetObject', `${BUCKET}/config/other.json`)).toBe(false);
    expect(allows(ingest, 's3:GetObject', `${BUCKET}/${key}`)).toBe(false);
    const m = maintenanceStatements(settings, {
      bucketArn: BUCKET,
      lockTableArn: LOCK,
      workerArn: WORKER,
      configKey: key,
    });
    expect(allows(m, 's3:GetObject', `${BUCKET}/${key}`)).toBe(true);
  });

  it('ListBucket is on the bucket ARN only (object ARNs do not authorise it)', () => {
    for (const [, sts] of all) {
      const list = sts.filter((s) => s.actions.includes('s3:ListBucket'));
      expect(list).toEqual([{ actions: ['s3:ListBucket'], resources: [BUCKET] }]);
    }
  });

  it('drops statements that would have no resources', () => {
    const none = resolveSettings('test', { DS_CONFIG: JSON.stringify({ routes: [], maintenance: [] }) });
    const sts = ingestStatements(none, { bucketArn: BUCKET, lockTableArn: LOCK, queueArn: QUEUE });
    for (const st of sts) expect(st.resources.length).toBeGreaterThan(0);
    expect(allows(sts, 's3:PutObject', `${BUCKET}/tables/sales/x`)).toBe(false);
  });
});

describe('ingest queue policy', () => {
  it('lets only S3, for this bucket and account, send', () => {
    const doc = ingestQueuePolicy(QUEUE, BUCKET, '123456789012');
    expect(doc.Statement).toHaveLength(1);
    const [st] = doc.Statement;
    expect(st.Principal).toEqual({ Service: 's3.amazonaws.com' });
    expect(st.Action).toBe('sqs:SendMessage');
    expect(st.Resource).toBe(QUEUE);
    expect(st.Condition).toEqual({
      ArnEquals: { 'aws:SourceArn': BUCKET },
      StringEquals: { 'aws:SourceAccount': '123456789012' },
    });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
