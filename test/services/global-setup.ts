/**
 * vitest globalSetup: starts the services of the tier named by DS_TEST_TIER (default
 * `embedded`) once per run, hands them to test files (`inject('dsServices')`, read through
 * `services()` in ./index.ts) and exports them as AWS_* env vars, which test workers and
 * the processes they spawn inherit. Stops them and restores the environment on teardown.
 */
import type { TestProject } from 'vitest/node';
import { servicesEnv } from './env.js';
import { startTier, tierFromEnv } from './start.js';
import { serviceInfo } from './types.js';

/** Starts the services; returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tier = tierFromEnv();
  const started = performance.now();
  const services = await startTier(tier);
  const ms = Math.round(performance.now() - started);
  console.log(
    `[services] ${tier}: S3 ${services.s3Endpoint}, DynamoDB ${services.dynamoEndpoint}, Glue ${services.glueEndpoint} (${ms} ms)`,
  );

  const info = serviceInfo(services);
  project.provide('dsServices', info);
  const env = servicesEnv(info);
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(env)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  return async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await services.stop();
  };
}
