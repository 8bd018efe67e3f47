/**
 * Parent side of the S3 benchmarks: starts the embedded tier (test/services/embedded.ts:
 * fauxqs S3 with conditional writes + dynalite, in THIS process on 127.0.0.1), exports its
 * endpoints as AWS_* environment variables for the children, and creates the bench bucket
 * and lock table. Parent only: it imports TypeScript from test/ (the parent runs under tsx).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ServiceInfo } from '../../test/services/types.js';
import { BENCH_BUCKET, BENCH_LOCK_TABLE, importAws, storageOptionsFor, type AwsModule } from './s3-env.js';

export interface S3Bench {
  info: ServiceInfo;
  aws: AwsModule;
  clients: ReturnType<AwsModule['createClients']>;
  /** Stops the services and restores the environment. */
  stop(): Promise<void>;
}

/** Start the embedded services, export them to children, create the bucket and lock table. */
export async function startS3Bench(): Promise<S3Bench> {
  const { startEmbedded } = await import('../../test/services/embedded.js');
  const { servicesEnv } = await import('../../test/services/env.js');
  const { serviceInfo } = await import('../../test/services/types.js');
  const t0 = performance.now();
  const services = await startEmbedded();
  const info = serviceInfo(services);
  const saved = new Map<string, string | undefined>();
  // Node 20 is supported until 2027: keep the SDK's warning out of every child's output.
  const env = { ...servicesEnv(info), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  for (const [name, value] of Object.entries(env)) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  const aws = await importAws();
  const clients = aws.createClients(aws.resolveAwsConfig(storageOptionsFor('dynamodb')));
  await clients.s3.send(new CreateBucketCommand({ Bucket: BENCH_BUCKET }));
  await aws.createLockTable(await clients.dynamo(), BENCH_LOCK_TABLE);
  console.log(
    `  embedded services: S3 ${info.s3Endpoint}, DynamoDB ${info.dynamoEndpoint} ` +
      `(${Math.round(performance.now() - t0)} ms); bucket ${BENCH_BUCKET}, lock table ${BENCH_LOCK_TABLE}`,
  );
  return {
    info,
    aws,
    clients,
    stop: async () => {
      clients.destroy();
      await services.stop();
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Upload every file under `dir` to `s3://BENCH_BUCKET/<prefix>/` (plain PUTs, 16 in flight). */
export async function uploadDir(
  bench: S3Bench,
  dir: string,
  prefix: string,
): Promise<{ files: number; bytes: number }> {
  const files = filesUnder(dir);
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const body = readFileSync(file);
      bytes += statSync(file).size;
      await bench.clients.s3.send(
        new PutObjectCommand({
          Bucket: BENCH_BUCKET,
          Key: `${prefix}/${relative(dir, file).split('\\').join('/')}`,
          Body: body,
          ContentLength: body.length,
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { files: files.length, bytes };
}
