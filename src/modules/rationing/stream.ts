// Real-time stock: once a sale batch or a stock report has committed, the service NOTIFYs
// 'rationing_stock' with the new levels (RationingService.announce), delivered to every process
// that LISTENs, so a sale at any instance reaches every stream. One LISTEN connection per process, opened when the
// first subscriber arrives. Bursts are coalesced: changes are gathered for COALESCE_MS and each
// subscriber gets one event per programme with the latest level of every outlet that changed —
// a busy outlet selling 50 times in that window is one entry, not 50.
import pg from 'pg';
import type { Pool } from '../../core/db';

export const COALESCE_MS = 100;
const CHANNEL = 'rationing_stock';

export interface StockChange {
  outletId: number;
  remaining: number;
  /** The stock row's change number; the highest in an event is its id. */
  version: number;
  updatedAtMs: number;
}

export interface StockEvent {
  programmeId: number;
  /** The highest change number in the event (SSE `id:`). */
  id: number;
  changes: StockChange[];
}

type Listener = (event: StockEvent) => void;

export class StockStream {
  private readonly listeners = new Map<number, Set<Listener>>();
  private readonly pending = new Map<number, Map<number, StockChange>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly pool: Pool,
    private readonly options: { coalesceMs?: number; onError?: (error: unknown) => void } = {},
  ) {}

  /** Calls `listener` with each coalesced change of the programme's stock; resolves once listening. */
  async subscribe(programmeId: number, listener: Listener): Promise<() => void> {
    const set = this.listeners.get(programmeId) ?? new Set();
    set.add(listener);
    this.listeners.set(programmeId, set);
    await this.listen();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(programmeId);
    };
  }

  get subscriberCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  private listen(): Promise<void> {
    if (this.client || this.stopping) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client(this.pool.options);
      const lost = (error?: unknown) => {
        if (error) this.options.onError?.(error);
        if (this.client === client) this.client = undefined;
        // Reconnect while anyone is still subscribed; changes in between reach them on resume
        // (Last-Event-ID) or the next change.
        if (!this.stopping && this.listeners.size > 0) setTimeout(() => void this.listen(), 1_000).unref();
      };
      client.on('error', lost);
      client.on('end', () => lost());
      client.on('notification', (message) => this.receive(message.payload));
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        if (this.stopping) await client.end();
        else this.client = client;
      } catch (error) {
        await client.end().catch(() => undefined);
        lost(error);
      } finally {
        this.connecting = undefined;
      }
    })();
    return this.connecting;
  }

  private receive(payload: string | undefined): void {
    if (!payload) return;
    let rows: Array<[number, number, number, number, number]>;
    try {
      rows = JSON.parse(payload);
    } catch (error) {
      this.options.onError?.(error);
      return;
    }
    for (const [programmeId, outletId, remaining, version, updatedAtMs] of rows) {
      if (!this.listeners.has(programmeId)) continue;
      const changes = this.pending.get(programmeId) ?? new Map<number, StockChange>();
      const known = changes.get(outletId);
      if (!known || known.version < version) changes.set(outletId, { outletId, remaining, version, updatedAtMs });
      this.pending.set(programmeId, changes);
    }
    if (this.pending.size > 0 && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.options.coalesceMs ?? COALESCE_MS);
    }
  }

  private flush(): void {
    this.flushTimer = undefined;
    const pending = [...this.pending];
    this.pending.clear();
    for (const [programmeId, byOutlet] of pending) {
      const changes = [...byOutlet.values()].sort((a, b) => a.version - b.version);
      const event: StockEvent = { programmeId, id: changes.at(-1)!.version, changes };
      for (const listener of this.listeners.get(programmeId) ?? []) {
        try {
          listener(event);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
