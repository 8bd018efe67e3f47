/**
 * Input format from an object key (`.parquet`, `.csv`, `.tsv`, `.json`, `.jsonl`, `.ndjson`,
 * each optionally `.gz`), and gzip detection from the first bytes.
 */

export type InputFormat = 'parquet' | 'csv' | 'ndjson';

export interface DetectedFormat {
  format: InputFormat;
  gzip: boolean;
  /** Set for `.tsv`: the CSV delimiter the extension implies. */
  delimiter?: string;
}

const EXTENSIONS: Record<string, Omit<DetectedFormat, 'gzip'>> = {
  parquet: { format: 'parquet' },
  csv: { format: 'csv' },
  tsv: { format: 'csv', delimiter: '\t' },
  txt: { format: 'csv' },
  json: { format: 'ndjson' },
  jsonl: { format: 'ndjson' },
  ndjson: { format: 'ndjson' },
};

/** Format implied by the key's extension (case-insensitive), or undefined when it implies none. */
export function detectFormat(key: string): DetectedFormat | undefined {
  let name = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  let gzip = false;
  if (name.endsWith('.gz') || name.endsWith('.gzip')) {
    gzip = true;
    name = name.slice(0, name.lastIndexOf('.'));
  }
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  const found = EXTENSIONS[name.slice(dot + 1)];
  return found ? { ...found, gzip } : undefined;
}

/** True when the bytes start with the gzip magic number (1f 8b). */
export function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** True when the bytes start with the Parquet magic `PAR1`. */
export function hasParquetMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}
