// A dependency-free progress bar for command-line tools (e.g. seeding the population). On a
// terminal it redraws one line on stderr; when stderr is a file or CI log it prints a plain line
// every 10% instead, because carriage-return redraws turn logs into unreadable noise.

export interface ProgressBar {
  update(done: number): void;
  /** Draws the final state and ends the line. */
  finish(done?: number): void;
}

export interface ProgressOptions {
  total: number;
  /** Unit shown after the counts, e.g. "residents". */
  label?: string;
  stream?: NodeJS.WriteStream;
  /** Bar width in characters. */
  width?: number;
  /** Overrides TTY detection (for tests). */
  interactive?: boolean;
  now?: () => number;
}

const numberFormat = new Intl.NumberFormat('en-US');

export function formatProgressLine(done: number, total: number, label: string, elapsedMs: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.round(ratio * width);
  const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
  const percent = Math.floor(ratio * 100);
  return `[${bar}] ${percent}% ${numberFormat.format(done)}/${numberFormat.format(total)} ${label} ${(elapsedMs / 1000).toFixed(1)}s`;
}

export function createProgressBar(options: ProgressOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const label = options.label ?? 'items';
  const width = options.width ?? 30;
  const now = options.now ?? (() => performance.now());
  const interactive = options.interactive ?? Boolean(stream.isTTY);
  const started = now();
  let lastDraw = -Infinity;
  let lastDecile = -1;
  let finished = false;

  const line = (done: number): string => formatProgressLine(done, options.total, label, now() - started, width);

  return {
    update(done: number): void {
      if (finished) return;
      if (interactive) {
        // Redrawing more than ~10 times a second only costs time without being readable.
        const t = now();
        if (t - lastDraw < 100 && done < options.total) return;
        lastDraw = t;
        stream.write(`\r${line(done)}\x1b[K`);
      } else {
        const decile = options.total > 0 ? Math.floor((10 * done) / options.total) : 10;
        if (decile <= lastDecile) return;
        lastDecile = decile;
        stream.write(`${line(done)}\n`);
      }
    },
    finish(done: number = options.total): void {
      if (finished) return;
      if (interactive) {
        stream.write(`\r${line(done)}\x1b[K\n`);
      } else if (lastDecile < 10 || done !== options.total) {
        stream.write(`${line(done)}\n`);
      }
      finished = true;
    },
  };
}
