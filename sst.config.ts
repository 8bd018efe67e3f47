/// <reference path="./.sst/platform/config.d.ts" />
/**
 * SST app for delta-serverless. The serverless issue fills `infra/` with the bucket, the
 * DynamoDB lock table, queues, the ingest and maintenance functions and their permissions;
 * until then the app deploys nothing.
 */
export default $config({
  app(input) {
    return {
      name: 'delta-serverless',
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      home: 'aws',
    };
  },
  async run() {
    return {};
  },
});
