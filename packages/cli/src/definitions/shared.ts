/**
 * What every command definition uses: repeatable flags, the storage-option flag and the lazy
 * loader. Definitions import no engine code: a command's module (and the engine, and the AWS
 * SDK for s3:// tables) is imported when the command runs, so `--help` and commands on local
 * tables start without them.
 */
import { Option } from 'commander';

/** commander argParser for repeatable flags: every occurrence, in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--storage-option KEY=VALUE` (repeatable), on every command that opens a table. */
export function storageOption(): Option {
  return new Option(
    '--storage-option <key=value>',
    'storage option (delta-rs names, e.g. AWS_REGION=eu-west-1); repeatable',
  ).argParser(collect);
}

/** `s3://` and `s3a://` URIs need `@delta-serverless/aws` (which registers them with core). */
export function needsAws(uris: readonly string[]): boolean {
  return uris.some((u) => /^s3a?:\/\//i.test(u));
}

/**
 * The module of a command, imported when the command runs; when one of `uris` is on S3, the
 * AWS package is imported first so core can open it.
 */
export async function load<T>(uris: readonly string[], importModule: () => Promise<T>): Promise<T> {
  if (needsAws(uris)) await import('@delta-serverless/aws');
  return importModule();
}
