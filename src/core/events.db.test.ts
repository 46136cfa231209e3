import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/db';
import { withTransaction } from './db';
import { EventBus, type DomainEvent } from './events';

describe('transactional outbox (real Postgres)', () => {
  let db: TestDatabase;
  let bus: EventBus;
  let received: DomainEvent[];

  beforeEach(async () => {
    db = await freshDatabase();
    bus = new EventBus(db.pool);
    received = [];
    bus.subscribe('registry.birth-registered', async (event) => {
      received.push(event);
    });
  });
  afterEach(async () => {
    await bus.stop();
    await db.drop();
  });

  it('delivers an event only once its transaction commits, in order', async () => {
    await withTransaction(db.pool, async (tx) => {
      await bus.publish(tx, 'registry.birth-registered', { childId: 1 });
      await bus.publish(tx, 'registry.birth-registered', { childId: 2 });
    });
    await expect(
      withTransaction(db.pool, async (tx) => {
        await bus.publish(tx, 'registry.birth-registered', { childId: 3 });
        throw new Error('registration failed');
      }),
    ).rejects.toThrow('registration failed');
    expect(await bus.dispatchPending()).toBe(2);
    expect(received.map((e) => e.payload)).toEqual([{ childId: 1 }, { childId: 2 }]);
    expect(await bus.dispatchPending()).toBe(0);
  });

  it('keeps an event whose handler fails and delivers it on a later attempt', async () => {
    let failures = 1;
    bus.subscribe('registry.moved', async () => {
      if (failures-- > 0) throw new Error('notification service down');
    });
    await bus.publish(db.pool, 'registry.moved', { residentId: 9 });
    expect(await bus.dispatchPending()).toBe(0);
    const pending = await db.pool.query('SELECT attempts, last_error, dispatched_at FROM events.outbox');
    expect(pending.rows[0]).toMatchObject({ attempts: 1, last_error: 'notification service down', dispatched_at: null });
    expect(await bus.dispatchPending()).toBe(1);
  });

  it('dispatches in the background after commit when started', async () => {
    bus.start();
    await bus.publish(db.pool, 'registry.birth-registered', { childId: 4 });
    for (let i = 0; i < 100 && received.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(received.map((e) => e.payload)).toEqual([{ childId: 4 }]);
  });

  it('wakes on commit: an event published early in a long transaction is delivered right after it commits, without polling', async () => {
    const quiet = new EventBus(db.pool, { pollIntervalMs: 60_000 });
    const delivered: Array<{ payload: unknown }> = [];
    quiet.subscribe('registry.birth-registered', async (event) => {
      delivered.push({ payload: event.payload });
    });
    quiet.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // its first poll and LISTEN are done
      await withTransaction(db.pool, async (tx) => {
        await quiet.publish(tx, 'registry.birth-registered', { childId: 42 });
        await new Promise((resolve) => setTimeout(resolve, 400)); // well past the poke after publish
      });
      const deadline = Date.now() + 5_000; // far less than the 60 s poll
      while (delivered.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(delivered.map((d) => d.payload)).toEqual([{ childId: 42 }]);
    } finally {
      await quiet.stop();
    }
  });
});
