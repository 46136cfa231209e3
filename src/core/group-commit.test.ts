import { describe, expect, it } from 'vitest';
import { GroupCommit, type Settled } from './group-commit';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('group commit', () => {
  it('serves concurrent items in shared batches, each item getting its own answer', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        await tick();
        return items.map((n): Settled<number> => ({ ok: true, value: n * 10 }));
      },
      { maxBatch: 8, maxConcurrent: 1 },
    );
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => group.submit(i)));
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
    expect(batches.length).toBeLessThan(20);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(8);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('runs an item alone at once when nothing else is waiting', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => (batches.push(items), items.map((n) => ({ ok: true as const, value: n }))), { maxBatch: 8, maxConcurrent: 2 });
    expect(await group.submit(1)).toBe(1);
    expect(await group.submit(2)).toBe(2);
    expect(batches).toEqual([[1], [2]]);
  });

  it('rejects only the items whose outcome is an error', async () => {
    const group = new GroupCommit<number, number>(
      async (items) => items.map((n): Settled<number> => (n % 2 ? { ok: false, error: new Error(`odd ${n}`) } : { ok: true, value: n })),
      { maxBatch: 8, maxConcurrent: 1 },
    );
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => group.submit(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason.message).toBe('odd 1');
  });

  it('when a whole batch fails, retries each item alone so one bad item cannot fail its neighbours', async () => {
    const runs: number[][] = [];
    const group = new GroupCommit<number, number>(
      async (items) => {
        runs.push(items);
        await tick();
        if (items.includes(13)) throw new Error('deadlock detected');
        return items.map((n) => ({ ok: true as const, value: n }));
      },
      { maxBatch: 8, maxConcurrent: 1 },
    );
    const first = group.submit(0); // runs alone; the others queue behind it and share a batch
    const rest = [12, 13, 14].map((n) => group.submit(n));
    const outcomes = await Promise.allSettled([first, ...rest]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'failed'))).toEqual([0, 12, 'failed', 14]);
    expect(runs).toContainEqual([12, 13, 14]);
    expect(runs).toContainEqual([13]);
  });
});
