// The delivery worker: sends pending email and SMS deliveries through the channel adapters and
// records each attempt with GOV.UK Notify statuses. Several workers (threads of one process, or
// processes) share the work: each claims due deliveries with FOR UPDATE SKIP LOCKED and commits
// the claim as 'sending' with a lease before calling the adapter. A worker that stops mid-send
// (crash, deploy) leaves its claim to expire; the delivery is then due again and another worker
// takes it, so nothing is lost. The price is at-least-once delivery: a message the provider took
// just before the crash goes out again (the adapters give every resend the same id).
//
//   created ──claim──▶ sending ──▶ delivered
//                        │──────▶ permanent-failure                       (final, never retried)
//                        │──────▶ temporary-failure ──backoff──▶ sending  (final after maxAttempts)
//                        └──────▶ technical-failure ──backoff──▶ sending  (retried until it works)
// Backoff: base · 2^(attempt−1), at most `capMs`, plus up to `jitter` of it at random so workers
// recovering together do not all hit a provider at once.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BackgroundLoop } from '../../core/background';
import type { Pool } from '../../core/db';
import { withTransaction } from '../../core/db';
import type { Locale } from '../../core/i18n';
import type { AdapterOutcome, ChannelAdapter, OutgoingMessage } from './adapters';
import type { Channel } from './service';

export interface RetryPolicy {
  /** The wait after the first failed attempt. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
  /** After this many attempts a temporary failure is final (technical failures are always retried). */
  maxAttempts: number;
  /** Up to this fraction of the wait is added at random (0: none). */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 30_000, capMs: 3_600_000, maxAttempts: 10, jitter: 0.2 };

/** The wait before attempt `attempt + 1`, after `attempt` attempts. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 40)));
  return Math.round(Math.min(policy.capMs, exponential * (1 + policy.jitter * random())));
}

export interface DeliveryWorkerOptions {
  /** Links in email and SMS are made absolute with this (e.g. https://www.oncegov.example). */
  publicBaseUrl: string;
  /** Deliveries claimed at once. */
  batchSize?: number;
  /** How often to look for due deliveries without being poked. */
  intervalMs?: number;
  /** How long a claim holds: after it, a delivery still 'sending' is taken again. */
  leaseMs?: number;
  /** An adapter call taking longer is a technical failure (keep it well under the lease). */
  sendTimeoutMs?: number;
  /** Deliveries sent at the same time by this worker. */
  concurrency?: number;
  retry?: Partial<RetryPolicy>;
  /** Names this worker in the attempts log. */
  workerId?: string;
  onError?: (error: unknown) => void;
}

export interface DeliveryRunReport {
  claimed: number;
  delivered: number;
  temporaryFailures: number;
  permanentFailures: number;
  technicalFailures: number;
  /** Results not recorded because the claim had expired and another worker took the delivery. */
  claimsLost: number;
}

interface ClaimedDelivery {
  id: number;
  attempts: number;
  claim_token: string;
  channel: Channel;
  address: string;
  notification_id: string;
  locale: Locale;
  title: string;
  body: string;
  sms: string;
  link: string | null;
}

type Result = { status: 'delivered' | 'temporary-failure' | 'permanent-failure' | 'technical-failure'; error: string | null; reference: string | null };

export class DeliveryWorker {
  private readonly loop: BackgroundLoop;
  private readonly policy: RetryPolicy;
  private readonly workerId: string;
  private stopping = false;

  constructor(
    private readonly pool: Pool,
    private readonly adapters: Partial<Record<Channel, ChannelAdapter>>,
    private readonly options: DeliveryWorkerOptions,
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.loop = new BackgroundLoop(() => this.deliverDue(), {
      intervalMs: options.intervalMs ?? 1000,
      // A notice is created inside its sender's transaction: give that a moment to commit.
      pokeDelayMs: 50,
      onError: options.onError,
    });
  }

  /** Claims and sends every delivery that is due now, batch by batch; answers what happened. */
  async deliverDue(): Promise<DeliveryRunReport> {
    const report: DeliveryRunReport = { claimed: 0, delivered: 0, temporaryFailures: 0, permanentFailures: 0, technicalFailures: 0, claimsLost: 0 };
    const batchSize = this.options.batchSize ?? 20;
    for (let round = 0; round < 100 && !this.stopping; round += 1) {
      const claimed = await this.claim(batchSize);
      report.claimed += claimed.length;
      await this.sendAll(claimed, report);
      if (claimed.length < batchSize) break;
    }
    return report;
  }

  start(): void {
    this.stopping = false;
    this.loop.start();
  }

  /** Stops after the sends in progress are recorded; nothing claimed is dropped (an unsent claim expires and is taken again). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
    for (const adapter of new Set(Object.values(this.adapters))) await adapter?.close?.();
  }

  /** Look for due deliveries soon (new notices were just created). */
  poke(): void {
    this.loop.poke();
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const leaseMs = this.options.leaseMs ?? 120_000;
    return withTransaction(this.pool, async (tx) => {
      const due = await tx.query<{ id: number }>(
        `SELECT id FROM notifications.deliveries WHERE next_attempt_at <= now()
          ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      const ids = due.rows.map((r) => r.id);
      if (ids.length === 0) return [];
      // A claim that expired: its worker stopped before recording a result.
      await tx.query(
        `UPDATE notifications.delivery_attempts SET finished_at = now(), outcome = 'technical-failure',
                error = 'the worker stopped before recording a result (its claim expired)'
          WHERE delivery_id = ANY ($1) AND finished_at IS NULL`,
        [ids],
      );
      const claimed = await tx.query<ClaimedDelivery>(
        `WITH claimed AS (
           UPDATE notifications.deliveries
              SET status = 'sending', attempts = attempts + 1, claim_token = gen_random_uuid(), claimed_by = $2,
                  next_attempt_at = now() + $3::float8 * interval '1 millisecond', updated_at = now()
            WHERE id = ANY ($1)
            RETURNING id, attempts, claim_token, channel, address, notification_id)
         SELECT c.*, n.locale,
                CASE n.locale WHEN 'en' THEN n.title_en ELSE n.title_ko END AS title,
                CASE n.locale WHEN 'en' THEN n.body_en ELSE n.body_ko END AS body,
                CASE n.locale WHEN 'en' THEN n.sms_en ELSE n.sms_ko END AS sms,
                n.link
           FROM claimed c JOIN notifications.notifications n ON n.id = c.notification_id
          ORDER BY c.id`,
        [ids, this.workerId, leaseMs],
      );
      await tx.query(
        `INSERT INTO notifications.delivery_attempts (delivery_id, attempt, worker)
         SELECT unnest($1::bigint[]), unnest($2::int[]), $3`,
        [claimed.rows.map((r) => r.id), claimed.rows.map((r) => r.attempts), this.workerId],
      );
      return claimed.rows;
    });
  }

  private async sendAll(deliveries: ClaimedDelivery[], report: DeliveryRunReport): Promise<void> {
    const queue = [...deliveries];
    const lanes = Array.from({ length: Math.min(this.options.concurrency ?? 4, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = await this.attempt(next);
        const recorded = await this.record(next, result);
        if (!recorded) report.claimsLost += 1;
        else if (result.status === 'delivered') report.delivered += 1;
        else if (result.status === 'temporary-failure') report.temporaryFailures += 1;
        else if (result.status === 'permanent-failure') report.permanentFailures += 1;
        else report.technicalFailures += 1;
      }
    });
    await Promise.all(lanes);
  }

  private async attempt(delivery: ClaimedDelivery): Promise<Result> {
    const adapter = this.adapters[delivery.channel];
    if (!adapter) return { status: 'technical-failure', error: `no ${delivery.channel} adapter is configured`, reference: null };
    const timeoutMs = this.options.sendTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race<AdapterOutcome>([
        adapter.send(this.message(delivery)),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`the ${adapter.name} adapter did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (outcome.status === 'delivered') return { status: 'delivered', error: null, reference: outcome.providerReference ?? null };
      return { status: outcome.status, error: outcome.reason, reference: outcome.providerReference ?? null };
    } catch (error) {
      return { status: 'technical-failure', error: `${adapter.name}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000), reference: null };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records an attempt's result, if this worker's claim still holds; answers whether it did. */
  private async record(delivery: ClaimedDelivery, result: Result): Promise<boolean> {
    const retry =
      result.status === 'technical-failure' || (result.status === 'temporary-failure' && delivery.attempts < this.policy.maxAttempts);
    const waitMs = retry ? backoffMs(delivery.attempts, this.policy) : null;
    return withTransaction(this.pool, async (tx) => {
      const updated = await tx.query(
        `UPDATE notifications.deliveries
            SET status = $3, last_error = $4, provider = $5, provider_reference = coalesce($6, provider_reference),
                next_attempt_at = now() + $7::float8 * interval '1 millisecond',
                completed_at = CASE WHEN $7::float8 IS NULL THEN now() END,
                claim_token = NULL, claimed_by = NULL, updated_at = now()
          WHERE id = $1 AND claim_token = $2`,
        [delivery.id, delivery.claim_token, result.status, result.error, this.adapters[delivery.channel]?.name ?? null, result.reference, waitMs],
      );
      if (updated.rowCount === 0) return false;
      await tx.query(
        `UPDATE notifications.delivery_attempts SET finished_at = now(), outcome = $3, error = $4,
                retry_at = (SELECT next_attempt_at FROM notifications.deliveries WHERE id = $1)
          WHERE delivery_id = $1 AND attempt = $2`,
        [delivery.id, delivery.attempts, result.status, result.error],
      );
      return true;
    });
  }

  private message(delivery: ClaimedDelivery): OutgoingMessage {
    const link = delivery.link ? `${this.options.publicBaseUrl.replace(/\/$/, '')}${delivery.link}` : null;
    // The absolute link is appended unless the text already carries it (a ((link)) placeholder
    // given the full address); a bare path in the text is not clickable in an email or SMS.
    const withLink = (text: string, separator: string) => (link && !text.includes(link) ? `${text}${separator}${link}` : text);
    return {
      deliveryId: delivery.id,
      notificationId: delivery.notification_id,
      channel: delivery.channel,
      to: delivery.address,
      locale: delivery.locale,
      subject: delivery.title,
      text: delivery.channel === 'sms' ? withLink(delivery.sms, ' ') : withLink(delivery.body, '\n\n'),
    };
  }
}
