// Usage statistics of the open-data API: requests per (API key or anonymous, dataset, day in Korea).
// Requests are counted in memory and written in one multi-row upsert per flush (every second by
// default, and when the app closes), so a request costs a Map update, not a database write. Several
// server processes add into the same rows, so the totals are right whichever process served a
// request; a process that dies loses at most its last unflushed second of counts.
//
// A request that passed the open-data API guard (rate-limits.ts) is counted once per dataset it is
// about: package_show and the download URLs are attributed by the guard itself; other handlers
// (datastore_search) call `attributeUsage(request, datasetId)`. A request about no dataset (a
// search) is counted under the dataset id '' so each key's total stays complete.
import type { FastifyRequest } from 'fastify';
import type { Pool } from '../../core/db';
import { koreanDate } from '../../core/period';

/** The guard's record of who is calling, on every request under the open-data API's prefixes. */
export interface OpenDataCaller {
  /** The API key's id, or null for an anonymous caller. */
  keyId: string | null;
  usage: UsageStatistics;
  /** Datasets this request has been counted for already. */
  attributed: Set<string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the open-data API guard on requests it admitted; null elsewhere. */
    openDataCaller: OpenDataCaller | null;
  }
  interface FastifyInstance {
    /** The open data portal's usage statistics, for pages that show them (the dataset page). */
    openDataUsage?: UsageStatistics;
  }
}

/**
 * Counts this request as a use of `datasetId` by its caller (their API key, or anonymous), once
 * per request and dataset. Does nothing for a request the open-data API guard did not admit (a
 * route outside its prefixes), so a handler may call it unconditionally.
 */
export function attributeUsage(request: FastifyRequest, datasetId: string): void {
  const caller = request.openDataCaller;
  if (!caller || datasetId === '' || caller.attributed.has(datasetId)) return;
  caller.attributed.add(datasetId);
  caller.usage.record(caller.keyId, datasetId);
}

export interface DailyCount {
  day: string;
  requests: number;
}

export interface DatasetUsage {
  datasetId: string;
  /** The first day counted (Korea), `days` days before today inclusive. */
  since: string;
  requests: number;
  /** Requests made with an API key; the rest were anonymous. */
  keyedRequests: number;
  /** Distinct API keys that used the dataset. */
  keys: number;
  daily: DailyCount[];
}

export interface KeyUsage {
  keyId: string;
  requests: number;
  /** Per dataset, most used first; '' stands for requests about no one dataset (searches). */
  datasets: Array<{ datasetId: string; requests: number }>;
}

const SEP = '\u0000';
const DAY_MS = 86_400_000;
const KST_OFFSET_MS = 9 * 3_600_000;

export class UsageStatistics {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly options: { flushIntervalMs?: number; now?: () => number; onError?: (error: unknown) => void } = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Counts `count` requests of `keyId` (null: anonymous) about `datasetId` ('' for none) today. */
  record(keyId: string | null, datasetId: string, count = 1): void {
    const slot = `${this.today()}${SEP}${keyId ?? ''}${SEP}${datasetId}`;
    this.pending.set(slot, (this.pending.get(slot) ?? 0) + count);
  }

  /** Starts writing the counts every `flushIntervalMs` (1 s by default). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush().catch((error) => this.options.onError?.(error)), this.options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  /** Writes every count so far in one statement; counts that fail to write are kept for the next flush. */
  flush(): Promise<void> {
    const run = this.flushing.then(() => this.writePending());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const days: string[] = [];
    const keys: string[] = [];
    const datasets: string[] = [];
    const counts: number[] = [];
    for (const [slot, count] of batch) {
      const [day, key, dataset] = slot.split(SEP) as [string, string, string];
      days.push(day);
      keys.push(key);
      datasets.push(dataset);
      counts.push(count);
    }
    try {
      await this.pool.query(
        `INSERT INTO opendata.usage_daily (day, key_id, dataset_id, requests)
         SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::bigint[])
         ON CONFLICT (day, key_id, dataset_id) DO UPDATE SET requests = usage_daily.requests + EXCLUDED.requests`,
        [days, keys, datasets, counts],
      );
    } catch (error) {
      for (const [slot, count] of batch) this.pending.set(slot, (this.pending.get(slot) ?? 0) + count);
      throw error;
    }
  }

  private day = { value: '', until: 0 };

  /** Today in Korea, worked out once per day rather than per request. */
  private today(): string {
    const now = this.now();
    if (now >= this.day.until || now < this.day.until - DAY_MS) {
      const kstMidnight = Math.floor((now + KST_OFFSET_MS) / DAY_MS) * DAY_MS - KST_OFFSET_MS;
      this.day = { value: koreanDate(now), until: kstMidnight + DAY_MS };
    }
    return this.day.value;
  }

  private since(days: number): string {
    return koreanDate(this.now() - (days - 1) * DAY_MS);
  }

  /** One dataset's use over the last `days` days (Korea), with a count per day that had any. */
  async forDataset(datasetId: string, days = 30): Promise<DatasetUsage> {
    const since = this.since(days);
    const { rows } = await this.pool.query<{ day: string; requests: number; keyed: number | null }>(
      `SELECT day::text AS day, sum(requests)::bigint AS requests, sum(requests) FILTER (WHERE key_id <> '')::bigint AS keyed
         FROM opendata.usage_daily WHERE dataset_id = $1 AND day >= $2 GROUP BY day ORDER BY day`,
      [datasetId, since],
    );
    const distinct = await this.pool.query<{ keys: number }>(
      `SELECT count(DISTINCT key_id)::bigint AS keys FROM opendata.usage_daily WHERE dataset_id = $1 AND day >= $2 AND key_id <> ''`,
      [datasetId, since],
    );
    return {
      datasetId,
      since,
      requests: rows.reduce((sum, row) => sum + Number(row.requests), 0),
      keyedRequests: rows.reduce((sum, row) => sum + Number(row.keyed ?? 0), 0),
      keys: Number(distinct.rows[0]?.keys ?? 0),
      daily: rows.map((row) => ({ day: row.day, requests: Number(row.requests) })),
    };
  }

  /** Every dataset's totals over the last `days` days, most used first (requests about no dataset left out). */
  async allDatasets(days = 30): Promise<Array<{ datasetId: string; requests: number; keyedRequests: number }>> {
    const { rows } = await this.pool.query<{ dataset_id: string; requests: number; keyed: number }>(
      `SELECT dataset_id, sum(requests)::bigint AS requests, coalesce(sum(requests) FILTER (WHERE key_id <> ''), 0)::bigint AS keyed
         FROM opendata.usage_daily WHERE dataset_id <> '' AND day >= $1 GROUP BY dataset_id ORDER BY requests DESC, dataset_id`,
      [this.since(days)],
    );
    return rows.map((row) => ({ datasetId: row.dataset_id, requests: Number(row.requests), keyedRequests: Number(row.keyed) }));
  }

  /** Each of `keyIds`' use over the last `days` days, per dataset. */
  async forKeys(keyIds: readonly string[], days = 30): Promise<KeyUsage[]> {
    const { rows } = await this.pool.query<{ key_id: string; dataset_id: string; requests: number }>(
      `SELECT key_id, dataset_id, sum(requests)::bigint AS requests FROM opendata.usage_daily
        WHERE key_id = ANY($1::text[]) AND day >= $2 GROUP BY key_id, dataset_id ORDER BY key_id, requests DESC, dataset_id`,
      [keyIds, this.since(days)],
    );
    return keyIds.map((keyId) => {
      const datasets = rows.filter((row) => row.key_id === keyId).map((row) => ({ datasetId: row.dataset_id, requests: Number(row.requests) }));
      return { keyId, requests: datasets.reduce((sum, d) => sum + d.requests, 0), datasets };
    });
  }
}
