/**
 * The ingest queue, its dead-letter queue, the queue policy (only the data bucket may send),
 * the bucket notification (ObjectCreated under the landing prefix -> queue) and the alarms
 * on a stuck backlog and on dead letters.
 */
import {
  DLQ_RETENTION_SECONDS,
  ingestQueueRetentionSeconds,
  queueAlarms,
  ingestVisibilityTimeoutSeconds,
  type Settings,
} from './config.js';
import { ingestQueuePolicy } from './permissions.js';

/** Create the queues and wire the bucket's notifications to the ingest queue. */
export function createQueues(settings: Settings, bucket: sst.aws.Bucket) {
  const dlq = new sst.aws.Queue('IngestDeadLetter', {
    transform: {
      queue: (args) => {
        args.messageRetentionSeconds = DLQ_RETENTION_SECONDS;
      },
    },
  });
  const queue = new sst.aws.Queue('Ingest', {
    visibilityTimeout: `${ingestVisibilityTimeoutSeconds(settings)} seconds`,
    dlq: { queue: dlq.arn, retry: settings.ingest.maxReceiveCount },
    transform: {
      queue: (args) => {
        // Not SQS's 4-day default: a stuck backlog would be dropped silently after 4 days.
        args.messageRetentionSeconds = ingestQueueRetentionSeconds(settings);
      },
    },
  });
  const accountId = aws.getCallerIdentityOutput({}).accountId;
  const policy = new aws.sqs.QueuePolicy('IngestQueuePolicy', {
    queueUrl: queue.url,
    policy: $jsonStringify(
      $resolve([queue.arn, bucket.arn, accountId]).apply(([q, b, a]) => ingestQueuePolicy(q, b, a)),
    ),
  });
  // One BucketNotification owns all of the bucket's notifications (S3 keeps one configuration).
  new aws.s3.BucketNotification(
    'DataNotifications',
    {
      bucket: bucket.name,
      queues: [
        {
          id: 'ingest',
          queueArn: queue.arn,
          events: ['s3:ObjectCreated:*'],
          filterPrefix: settings.landingPrefix,
          filterSuffix: settings.landingSuffix,
        },
      ],
    },
    // S3 validates the destination when the notification is created: the policy must exist first.
    { dependsOn: [policy] },
  );
  for (const alarm of queueAlarms(settings)) {
    new aws.cloudwatch.MetricAlarm(alarm.name, {
      alarmDescription: alarm.description,
      namespace: 'AWS/SQS',
      metricName: alarm.metricName,
      dimensions: { QueueName: (alarm.queue === 'ingest' ? queue : dlq).nodes.queue.name },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: alarm.threshold,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: settings.alarms.topicArn ? [settings.alarms.topicArn] : [],
    });
  }
  return { queue, dlq };
}
