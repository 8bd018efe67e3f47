/**
 * Configuration given inline in an environment variable (`NAME`), or by `NAME_FILE` naming a
 * local file (shipped with the code) or an `s3://bucket/key` object. infra/ writes the S3
 * object when the JSON would not fit Lambda's 4 KB of environment variables.
 */
import { readFileSync } from 'node:fs';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** Where a configuration comes from. */
export type ConfigSource =
  | { kind: 'inline'; text: string; source: string }
  | { kind: 'file'; path: string; source: string }
  | { kind: 's3'; bucket: string; key: string; source: string };

/** The source of `name` in `env`, or undefined when neither `name` nor `name_FILE` is set. */
export function configSource(name: string, env: NodeJS.ProcessEnv): ConfigSource | undefined {
  const inline = env[name];
  if (inline) return { kind: 'inline', text: inline, source: name };
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  const source = `${name}_FILE=${file}`;
  const s3 = /^s3a?:\/\/([^/]+)\/(.+)$/.exec(file);
  return s3 ? { kind: 's3', bucket: s3[1]!, key: s3[2]!, source } : { kind: 'file', path: file, source };
}

/** The text of a local source (inline or file); `fail` turns a read error into the caller's typed error. */
export function readLocalConfig(src: Exclude<ConfigSource, { kind: 's3' }>, fail: (message: string) => never): string {
  if (src.kind === 'inline') return src.text;
  try {
    return readFileSync(src.path, 'utf8');
  } catch (err) {
    return fail(`${src.source} cannot be read: ${(err as Error).message}`);
  }
}

/** The text of any source, reading an S3 object with `s3`. */
export async function readConfig(
  src: ConfigSource,
  s3: () => S3Client,
  fail: (message: string) => never,
): Promise<string> {
  if (src.kind !== 's3') return readLocalConfig(src, fail);
  try {
    const out = await s3().send(new GetObjectCommand({ Bucket: src.bucket, Key: src.key }));
    return (await out.Body?.transformToString('utf8')) ?? '';
  } catch (err) {
    const e = err as { name?: string; message?: string };
    return fail(
      `${src.source} cannot be read: ${e.name ?? 'Error'} ${e.message ?? String(err)} ` +
        '(the function needs s3:GetObject on that object; infra/ grants it when it writes the object)',
    );
  }
}
