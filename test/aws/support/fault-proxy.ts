/**
 * A small HTTP proxy for fault injection in front of the S3, DynamoDB or Glue endpoint. For each
 * request a decider picks what happens:
 *
 * - `pass`: forwarded unchanged (the Host header too, so SigV4 signatures stay valid);
 * - `status`: answered by the proxy with an S3 XML or DynamoDB JSON error (503 SlowDown,
 *   500 InternalError, 403 AccessDenied, ...), without reaching the server;
 * - `drop-request`: the connection is cut after part of the request: the server never sees it;
 * - `drop-response`: forwarded, the server's full response is read (the write is applied), and
 *   the connection is cut before the client gets a byte — the nasty case of a lost response;
 * - `hang`: never answered (a stuck connection) until the proxy stops.
 *
 * Every request is logged with its classification and what was done to it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultAction =
  | { kind: 'pass' }
  | { kind: 'status'; status: number; code: string; message?: string }
  | { kind: 'drop-request' }
  | { kind: 'drop-response' }
  | { kind: 'hang' };

export const PASS: FaultAction = { kind: 'pass' };
export const SLOW_DOWN: FaultAction = {
  kind: 'status',
  status: 503,
  code: 'SlowDown',
  message: 'Please reduce your request rate.',
};
export const INTERNAL: FaultAction = {
  kind: 'status',
  status: 500,
  code: 'InternalError',
  message: 'We encountered an internal error. Please try again.',
};
export const DROP_REQUEST: FaultAction = { kind: 'drop-request' };
export const DROP_RESPONSE: FaultAction = { kind: 'drop-response' };
export const HANG: FaultAction = { kind: 'hang' };

/** What a request is, for deciders: `s3:<Op>` / `dynamodb:<Op>` and, for S3, the key. */
export interface RequestInfo {
  /** 1-based, over all requests through this proxy. */
  seq: number;
  service: Service;
  method: string;
  /** S3 object key (decoded, without the bucket); undefined for bucket-level requests. */
  key?: string;
  /** e.g. `PutItem` (from X-Amz-Target) or, for S3, `PUT`/`GET`/`HEAD`/`DELETE`/`POST`. */
  op: string;
  /** Coarse kind: `commit-put`, `temp-put`, `data-put`, `log-get`, `list`, `PutItem`, ... */
  kind: string;
  /** The request's query string, without `?` (S3: `versionId=...`, `uploads`, `delete`, ...). */
  query: string;
}

export interface LogEntry extends RequestInfo {
  action: FaultAction['kind'];
  /** The request body of a DeleteObjects (its keys), for checks of what was deleted. */
  body?: string;
  /** Status the server (or, for `status`, the proxy) answered; with `drop-response` the client never got it. */
  status?: number;
}

export type Decider = (req: RequestInfo) => FaultAction;

/** JSON protocols (DynamoDB, Glue) name the operation in X-Amz-Target; S3 is REST. */
export type Service = 's3' | 'dynamodb' | 'glue';

export interface FaultProxy {
  endpoint: string;
  log: LogEntry[];
  /** Replace the decider (e.g. after setting a table up without faults). */
  decide: Decider;
  stop(): Promise<void>;
}

function classify(service: Service, method: string, url: URL, target: string | undefined): RequestInfo {
  if (service !== 's3') {
    const op = (target ?? '').split('.').pop() ?? 'unknown';
    return { seq: 0, service, method, op, kind: op, query: url.search.slice(1) };
  }
  const parts = url.pathname.split('/').slice(1);
  const key = parts.length > 1 ? decodeURIComponent(parts.slice(1).join('/')) : undefined;
  let kind: string = method;
  if (key === undefined)
    kind = method === 'GET' && url.searchParams.get('list-type') === '2' ? 'list' : `bucket-${method}`;
  else if (method === 'PUT' && /_delta_log\/\d{20}\.json$/.test(key)) kind = 'commit-put';
  else if (method === 'PUT' && /_delta_log\/\.tmp\//.test(key)) kind = 'temp-put';
  else if (method === 'PUT' && /\.parquet$/.test(key)) kind = 'data-put';
  else if (method === 'PUT') kind = 'other-put';
  else if (method === 'GET' && /_delta_log\//.test(key)) kind = 'log-get';
  else if (method === 'GET') kind = 'data-get';
  else if (method === 'POST' && url.searchParams.has('delete')) kind = 'delete-objects';
  return { seq: 0, service, method, key, op: method, kind, query: url.search.slice(1) };
}

function errorBody(service: Service, a: Extract<FaultAction, { kind: 'status' }>): { type: string; body: string } {
  if (service === 'glue') {
    return {
      type: 'application/x-amz-json-1.1',
      body: JSON.stringify({ __type: a.code, message: a.message ?? a.code }),
    };
  }
  if (service === 'dynamodb') {
    const type = `com.amazonaws.dynamodb.v20120810#${a.code}`;
    return { type: 'application/x-amz-json-1.0', body: JSON.stringify({ __type: type, message: a.message ?? a.code }) };
  }
  return {
    type: 'application/xml',
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${a.code}</Code><Message>${a.message ?? a.code}</Message><RequestId>FAULTPROXY</RequestId></Error>`,
  };
}

/** Starts a proxy on 127.0.0.1 in front of `upstream` (an http:// endpoint). */
export async function startFaultProxy(
  upstream: string,
  service: Service,
  decide: Decider = () => PASS,
): Promise<FaultProxy> {
  const up = new URL(upstream);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let seq = 0;
  const proxy: FaultProxy = { endpoint: '', log: [], decide, stop: async () => undefined };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const target = req.headers['x-amz-target'];
    const info = classify(service, req.method ?? 'GET', url, Array.isArray(target) ? target[0] : target);
    info.seq = ++seq;
    const action = proxy.decide(info);
    const entry: LogEntry = { ...info, action: action.kind };
    proxy.log.push(entry);

    if (action.kind === 'drop-request') {
      // Cut the connection once some of the request arrived (or at once if it has no body).
      let got = 0;
      const cut = (): void => {
        req.socket.destroy();
      };
      req.on('data', (c: Buffer) => {
        got += c.length;
        if (got > 0) cut();
      });
      req.on('end', cut);
      return;
    }
    if (action.kind === 'hang') {
      req.resume(); // read the request, never answer: stop() closes the connection
      return;
    }
    if (action.kind === 'status') {
      req.resume();
      req.on('end', () => {
        const { type, body } = errorBody(service, action);
        entry.status = action.status;
        res.writeHead(action.status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      return;
    }
    const fwd = http.request(
      {
        host: up.hostname,
        port: up.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (upRes) => {
        entry.status = upRes.statusCode;
        if (action.kind === 'drop-response') {
          upRes.resume();
          upRes.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    fwd.on('error', () => req.socket.destroy());
    if (info.kind === 'delete-objects') {
      entry.body = '';
      req.on('data', (c: Buffer) => (entry.body += c.toString('utf8')));
    }
    req.pipe(fwd);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    agent.destroy();
  };
  return proxy;
}

/** A decider that applies `actions` in turn to the first requests of `kind`, then passes. */
export function sequence(kind: string, actions: readonly FaultAction[]): Decider {
  let i = 0;
  return (req) => (req.kind === kind && i < actions.length ? actions[i++]! : PASS);
}

/** Requests of `kind` in the log, with what was done to each. */
export function seen(p: FaultProxy, kind: string): string[] {
  return p.log
    .filter((e) => e.kind === kind)
    .map((e) => (e.action === 'pass' || e.action === 'drop-response' ? `${e.action}:${e.status ?? '-'}` : e.action));
}
