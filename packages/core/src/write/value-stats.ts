/** The running min/max tracker of one column (stats-values.ts numbers, stats-strings.ts strings). */
import type * as arrow from 'apache-arrow';

/** Running min/max of one column. `bm`/`off`: validity bits of the rows (bm null: all rows valid). */
export interface ValueStats {
  update(data: arrow.Data, bm: Uint8Array | null, off: number): void;
  /** JSON text of the lower bound, or undefined when there is none (no non-null value). */
  min(): string | undefined;
  /** JSON text of the upper bound, or undefined when there is none. */
  max(): string | undefined;
}
