/**
 * Progress of long maintenance commands: a cli-progress bar when stdout is a terminal,
 * otherwise a few plain lines (phase start, every 10 %, and the end) that logs and tests can read.
 */
import cliProgress from 'cli-progress';

export interface ProgressEvent {
  phase: string;
  done: number;
  total?: number;
}

export interface Progress {
  update(e: ProgressEvent): void;
  /** Finish the current bar (call before printing the summary). */
  stop(): void;
}

/** A progress reporter writing to `out`; bars only when `tty`. */
export function createProgress(out: (s: string) => void, tty: boolean): Progress {
  return tty ? new BarProgress() : new LineProgress(out);
}

class BarProgress implements Progress {
  private bar?: cliProgress.SingleBar;
  private phase?: string;

  update(e: ProgressEvent): void {
    if (e.phase !== this.phase) {
      this.stop();
      this.phase = e.phase;
      const format =
        e.total === undefined
          ? `${e.phase} {value} objects`
          : `${e.phase} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`;
      this.bar = new cliProgress.SingleBar(
        { format, stream: process.stdout, hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(e.total ?? 0, e.done);
      return;
    }
    if (e.total !== undefined) this.bar?.setTotal(e.total);
    this.bar?.update(e.done);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
    this.phase = undefined;
  }
}

class LineProgress implements Progress {
  private phase?: string;
  private nextTenth = 0;
  private last?: ProgressEvent;

  constructor(private readonly out: (s: string) => void) {}

  update(e: ProgressEvent): void {
    if (e.phase !== this.phase) {
      this.stop();
      this.phase = e.phase;
      this.nextTenth = 1;
      this.out(`${e.phase}: started${e.total !== undefined ? ` (${e.total} to do)` : ''}\n`);
    }
    this.last = e;
    if (e.total !== undefined && e.total > 0 && e.done < e.total) {
      const tenth = Math.floor((e.done * 10) / e.total);
      if (tenth >= this.nextTenth) {
        this.out(`${e.phase}: ${e.done}/${e.total}\n`);
        this.nextTenth = tenth + 1;
      }
    }
  }

  stop(): void {
    const e = this.last;
    if (e && this.phase) this.out(`${e.phase}: done (${e.done}${e.total !== undefined ? `/${e.total}` : ''})\n`);
    this.phase = undefined;
    this.last = undefined;
  }
}
