import { describe, expect, it } from 'vitest';
import { createProgressBar, formatProgressLine } from './progress';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream };
}

describe('progress', () => {
  it('formats a bar with percentage, counts, unit and elapsed time', () => {
    expect(formatProgressLine(450_000, 1_000_000, 'residents', 12_300, 10)).toBe(
      '[#####.....] 45% 450,000/1,000,000 residents 12.3s',
    );
  });

  it('prints a plain line about every 10% when not on a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const bar = createProgressBar({ total: 1000, label: 'residents', stream, now: () => 0 });
    for (let done = 0; done <= 1000; done += 25) bar.update(done);
    bar.finish();
    expect(writes).toHaveLength(11);
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes[10]).toContain('100% 1,000/1,000 residents');
  });

  it('redraws one line on a terminal and ends it on finish', () => {
    const { writes, stream } = fakeStream(true);
    let t = 0;
    const bar = createProgressBar({ total: 100, stream, now: () => (t += 200) });
    bar.update(10);
    bar.update(50);
    bar.finish();
    expect(writes.every((w) => w.startsWith('\r'))).toBe(true);
    expect(writes.at(-1)?.endsWith('\n')).toBe(true);
    expect(writes.slice(0, -1).some((w) => w.includes('\n'))).toBe(false);
  });
});
