/** `@delta-serverless/cli/local-stack`: the embedded AWS emulators and the local pipeline. */
export * from './emulators/index.js';
export { startLocalStack, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalStack, type LocalStackOptions } from './stack.js';
export { startQueuePoller, type QueuePoller, type QueuePollerOptions, type SqsHandler } from './queue-poller.js';
