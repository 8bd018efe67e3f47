/**
 * Errors at the CLI boundary, in one place: engine errors print as one line without a stack,
 * worded for the command line; anything else is a bug and prints its stack.
 */
import { DeltaError } from '@delta-serverless/core';
import type { Io } from './io.js';

/** Print `err` for the user; resolves to the exit code (1). */
export function reportError(err: unknown, io: Io): number {
  if (err instanceof DeltaError) {
    io.err(`error: ${err.message}\n`);
    return 1;
  }
  io.err(`unexpected error: ${(err as Error).stack ?? String(err)}\n`);
  return 1;
}
