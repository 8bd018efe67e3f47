/**
 * Gives fauxqs (which ignores `If-None-Match` / `If-Match` on writes) S3's conditional-write
 * semantics, inside its own fastify app:
 *
 * - a `preHandler` hook (runs after the body is read, right before fauxqs's handler) spots
 *   object writes: PutObject / CopyObject (PUT `/:bucket/<key>`), CompleteMultipartUpload
 *   (POST `/:bucket/<key>?uploadId=`) and DeleteObject;
 * - it takes a per-key lock (promise chain) and holds it until the response is closed, so the
 *   check and fauxqs's write of the same key can never interleave with another write of it;
 * - under the lock it compares the headers with the stored object and answers like S3:
 *   412 `PreconditionFailed`, 404 `NoSuchKey` (If-Match on a missing key), 501 `NotImplemented`
 *   (If-None-Match with anything but `*`).
 *
 * A hook in the same process beats a proxy: no second hop, no body re-streaming, and fauxqs's
 * store is read directly. Multi-key DeleteObjects is not serialised (see README).
 */
import { randomUUID } from 'node:crypto';
import type { BuildAppOptions, buildApp } from 'fauxqs';
import { KeyLocks } from './key-locks.js';

type FauxqsApp = ReturnType<typeof buildApp>;
type S3Store = NonNullable<BuildAppOptions['stores']>['s3Store'];

/** An S3 error to answer with. */
export interface S3Failure {
  status: number;
  code: string;
  message: string;
  condition?: string;
}

const PRECONDITION = 'At least one of the pre-conditions you specified did not hold';

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function stripEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replaceAll('"', '');
}

/** Evaluates write preconditions against the current object's ETag (undefined: no object). */
export function checkWritePreconditions(
  ifNoneMatch: string | undefined,
  ifMatch: string | undefined,
  currentEtag: string | undefined,
): S3Failure | undefined {
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') {
      // AWS S3 accepts only `If-None-Match: *` on writes and answers anything else with 501 NotImplemented.
      return {
        status: 501,
        code: 'NotImplemented',
        message: `If-None-Match: ${ifNoneMatch} is refused: S3 writes accept only If-None-Match: *`,
        condition: 'If-None-Match',
      };
    }
    if (currentEtag !== undefined) {
      return { status: 412, code: 'PreconditionFailed', message: PRECONDITION, condition: 'If-None-Match' };
    }
  }
  if (ifMatch !== undefined) {
    if (currentEtag === undefined) {
      return { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' };
    }
    const wanted = ifMatch.split(',').map(stripEtag);
    if (!wanted.includes('*') && !wanted.includes(stripEtag(currentEtag))) {
      return { status: 412, code: 'PreconditionFailed', message: PRECONDITION, condition: 'If-Match' };
    }
  }
  return undefined;
}

function errorXml(f: S3Failure, resource: string): string {
  const esc = (s: string): string =>
    s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
  const requestId = randomUUID().replaceAll('-', '').toUpperCase().slice(0, 16);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    `<Code>${f.code}</Code><Message>${esc(f.message)}</Message>` +
    (f.condition ? `<Condition>${f.condition}</Condition>` : '') +
    `<Resource>${esc(resource)}</Resource><RequestId>${requestId}</RequestId><HostId>fauxqs</HostId></Error>`
  );
}

/** The bucket and key an object write targets, or undefined if the request is no object write. */
function writeTarget(
  method: string,
  route: string | undefined,
  params: Record<string, string | undefined>,
  query: Record<string, string | undefined>,
): { bucket: string; key: string } | undefined {
  if (route !== '/:bucket/*') return undefined;
  const bucket = params['bucket'];
  const key = params['*'];
  if (!bucket || !key) return undefined;
  const isWrite =
    (method === 'PUT' && !(query['uploadId'] && query['partNumber'])) || // PutObject, CopyObject
    (method === 'POST' && query['uploadId'] !== undefined) || // CompleteMultipartUpload
    (method === 'DELETE' && query['uploadId'] === undefined); // DeleteObject
  return isWrite ? { bucket, key } : undefined;
}

/** Installs the conditional-write guard on a fauxqs app (call before `listen`). */
export function addConditionalWrites(app: FauxqsApp, store: S3Store): KeyLocks {
  const locks = new KeyLocks();
  app.addHook('preHandler', async (request, reply) => {
    const target = writeTarget(
      request.method,
      request.routeOptions.url,
      request.params as Record<string, string | undefined>,
      (request.query ?? {}) as Record<string, string | undefined>,
    );
    if (!target) return;
    const lease = locks.acquire(`${target.bucket}\u0000${target.key}`);
    // 'close' fires once the response is sent or the connection dropped: always release.
    reply.raw.once('close', lease.release);
    if (reply.raw.destroyed) lease.release();
    await lease.ready;

    const ifNoneMatch = header(request.headers['if-none-match']);
    const ifMatch = header(request.headers['if-match']);
    if (ifNoneMatch === undefined && ifMatch === undefined) return;
    if (!store.hasBucket(target.bucket)) return; // fauxqs answers NoSuchBucket
    let etag: string | undefined;
    try {
      etag = store.headObject(target.bucket, target.key).etag;
    } catch {
      etag = undefined; // NoSuchKey
    }
    const failure = checkWritePreconditions(ifNoneMatch, ifMatch, etag);
    if (!failure) return;
    reply
      .code(failure.status)
      .header('content-type', 'application/xml')
      .send(errorXml(failure, `/${target.bucket}/${target.key}`));
    return reply;
  });
  return locks;
}
