/** Collects what a validation found; every message starts with where it was found. */
export class Problems {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];

  /** Something the Delta protocol (or our writer contract) forbids. */
  error(where: string, message: string): void {
    this.errors.push(`${where}: ${message}`);
  }

  /** Legal but suspicious (stray files, missing optional-but-expected fields). */
  warn(where: string, message: string): void {
    this.warnings.push(`${where}: ${message}`);
  }
}

/** `00000000000000000007` for version 7. */
export function pad20(version: number): string {
  return String(version).padStart(20, '0');
}

/** Location of one line of a commit file, e.g. `v7 (00000000000000000007.json:3)`. */
export function commitWhere(version: number, line?: number): string {
  return line === undefined ? `v${version} (${pad20(version)}.json)` : `v${version} (${pad20(version)}.json:${line})`;
}
