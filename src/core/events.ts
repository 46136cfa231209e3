// Domain events through a transactional outbox: `publish` writes the event in the caller's
// transaction, so an event exists exactly when the change it announces committed. A dispatcher
// delivers pending events to subscribers after commit, at least once, in id order per poll; a
// handler that throws is retried on the next poll and its error kept on the row. This in-process
// dispatcher is the default; a NATS JetStream transport can replace `deliver` behind this interface.
// Dispatchers wake on commit: a trigger NOTIFYs 'events_outbox' and each dispatcher LISTENs on a
// connection of its own (polling stays as the fallback when that connection is lost).
import pg from 'pg';
import type { Pool, Queryable } from './db';
import { withTransaction } from './db';
import { BackgroundLoop } from './background';

export interface DomainEvent<T = unknown> {
  id: number;
  topic: string;
  payload: T;
  createdAt: Date;
}

export type EventHandler = (event: DomainEvent) => Promise<void>;

export class EventBus {
  private readonly handlers = new Map<string, EventHandler[]>();
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly pool: Pool,
    private readonly options: { pollIntervalMs?: number; batchSize?: number; onError?: (error: unknown, event?: DomainEvent) => void } = {},
  ) {
    this.loop = new BackgroundLoop(() => this.dispatchPending(), {
      intervalMs: options.pollIntervalMs ?? 500,
      onError: (error) => options.onError?.(error),
    });
  }

  async publish(db: Queryable, topic: string, payload: unknown): Promise<void> {
    await db.query('INSERT INTO events.outbox (topic, payload) VALUES ($1, $2)', [topic, JSON.stringify(payload)]);
    this.loop.poke();
  }

  subscribe(topic: string, handler: EventHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  /** Delivers pending events once; returns how many were delivered. */
  async dispatchPending(): Promise<number> {
    return withTransaction(this.pool, async (tx) => {
      const pending = await tx.query<{ id: number; topic: string; payload: unknown; created_at: Date }>(
        `SELECT id, topic, payload, created_at FROM events.outbox WHERE dispatched_at IS NULL
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 100],
      );
      let delivered = 0;
      for (const row of pending.rows) {
        const event: DomainEvent = { id: row.id, topic: row.topic, payload: row.payload, createdAt: row.created_at };
        try {
          for (const handler of this.handlers.get(row.topic) ?? []) await handler(event);
          await tx.query('UPDATE events.outbox SET dispatched_at = now(), attempts = attempts + 1 WHERE id = $1', [row.id]);
          delivered += 1;
        } catch (error) {
          this.options.onError?.(error, event);
          await tx.query('UPDATE events.outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
            row.id,
            error instanceof Error ? error.message : String(error),
          ]);
        }
      }
      return delivered;
    });
  }

  start(): void {
    this.loop.start();
    void this.listen();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.loop.stop();
  }

  private listener: pg.Client | undefined;
  private stopping = false;

  /** Pokes the dispatcher whenever a transaction with events commits; reconnects after a second when the connection drops. */
  private async listen(): Promise<void> {
    if (this.stopping) return;
    const client = new pg.Client(this.pool.options);
    const retry = () => {
      if (this.listener === client) this.listener = undefined;
      if (!this.stopping) setTimeout(() => void this.listen(), 1_000).unref();
    };
    client.on('error', retry);
    client.on('notification', () => this.loop.poke());
    try {
      await client.connect();
      await client.query('LISTEN events_outbox');
      if (this.stopping) {
        await client.end();
        return;
      }
      this.listener = client;
      this.loop.poke(); // anything committed while we were not listening
    } catch (error) {
      this.options.onError?.(error);
      await client.end().catch(() => undefined);
      retry();
    }
  }
}
