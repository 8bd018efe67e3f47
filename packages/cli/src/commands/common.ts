import type { OpenOptions } from '@delta-serverless/core';

/** Flags every table command accepts. */
export interface CommonOptions {
  storageOption?: string[];
}

/** `--storage-option KEY=VALUE` flags (delta-rs style names) -> open options. */
export function openOptions(opts: CommonOptions): OpenOptions {
  const storageOptions: Record<string, string> = {};
  for (const kv of opts.storageOption ?? []) {
    const i = kv.indexOf('=');
    if (i > 0) storageOptions[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return { storageOptions };
}
