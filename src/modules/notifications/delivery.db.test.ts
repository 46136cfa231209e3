// The delivery worker against Postgres: GOV.UK Notify statuses through retries with exponential,
// capped backoff (recorded per attempt); permanent failures are final at once, temporary ones
// after the attempt limit, technical ones (adapter down) are retried until they succeed; a worker
// stopping mid-send leaves its claim to expire and another worker delivers; several workers share
// the queue without sending anything twice; the folder adapter writes the messages.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import { AuditLog } from '../../core/audit';
import { withTransaction } from '../../core/db';
import { FolderAdapter, type AdapterOutcome, type ChannelAdapter, type OutgoingMessage } from './adapters';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery';
import { NotificationsService, type ContactDetailsSource } from './service';

let database: TestDatabase;
let audit: AuditLog;
let notifications: NotificationsService;
const contacts = new Map<number, { email: string | null; phone: string | null }>();
const contactSource: ContactDetailsSource = {
  residentsContactDetails: async (_db, reads) => new Map(reads.flatMap((r) => (contacts.has(r.residentId) ? [[r.residentId, contacts.get(r.residentId)!] as const] : []))),
};
let nextResident = 500;

beforeAll(async () => {
  database = await freshDatabase();
  audit = new AuditLog(database.pool);
  notifications = new NotificationsService(database.pool, audit, contactSource);
});
// Each test sees only its own work: deliveries an earlier test left due are parked.
afterEach(async () => {
  await database.pool.query(`UPDATE notifications.deliveries SET next_attempt_at = 'infinity' WHERE next_attempt_at IS NOT NULL`);
});
afterAll(async () => {
  await audit?.stopSealer();
  await database?.drop();
});

/** A notice for a new resident reachable by the given channels; answers the resident id. */
async function notice(contact: { email?: string; phone?: string }, locale: 'ko' | 'en' = 'ko'): Promise<{ residentId: number; notificationId: string }> {
  const residentId = (nextResident += 1);
  contacts.set(residentId, { email: contact.email ?? null, phone: contact.phone ?? null });
  if (locale === 'en') {
    await database.pool.query(`INSERT INTO notifications.preferences (resident_id, locale) VALUES ($1, 'en')`, [residentId]);
  }
  const result = await withTransaction(database.pool, (tx) =>
    notifications.send(tx, {
      residentId,
      category: 'general',
      templateId: 'general-notice',
      personalisation: { subject: { ko: '안내', en: 'Notice' }, message: { ko: `주민 ${residentId}님께 안내드립니다.`, en: `A notice for resident ${residentId}.` } },
      idempotencyKey: `delivery-test-${residentId}`,
      link: '/me/inbox',
    }),
  );
  return { residentId, notificationId: result.notificationId! };
}

/** An adapter answering from a script, one step per call; calls are recorded. */
class ScriptedAdapter implements ChannelAdapter {
  readonly name = 'scripted';
  readonly calls: OutgoingMessage[] = [];
  constructor(private readonly script: Array<'delivered' | 'temporary' | 'permanent' | 'throw' | (() => Promise<AdapterOutcome>)>) {}
  async send(message: OutgoingMessage): Promise<AdapterOutcome> {
    this.calls.push(message);
    const step = this.script[Math.min(this.calls.length - 1, this.script.length - 1)]!;
    if (typeof step === 'function') return step();
    if (step === 'throw') throw new Error('connect ECONNREFUSED 127.0.0.1:25');
    if (step === 'temporary') return { status: 'temporary-failure', reason: '452 mailbox full' };
    if (step === 'permanent') return { status: 'permanent-failure', reason: '550 no such user' };
    return { status: 'delivered', providerReference: `ref-${this.calls.length}` };
  }
}

function worker(adapters: Partial<Record<'email' | 'sms', ChannelAdapter>>, options: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker {
  return new DeliveryWorker(database.pool, adapters, {
    publicBaseUrl: 'https://oncegov.example',
    retry: { baseMs: 40, capMs: 100, maxAttempts: 3, jitter: 0 },
    ...options,
  });
}

interface DeliveryRow {
  id: number;
  status: string;
  attempts: number;
  next_attempt_at: Date | null;
  completed_at: Date | null;
  last_error: string | null;
}

async function deliveryOf(notificationId: string, channel: 'email' | 'sms' = 'email'): Promise<DeliveryRow> {
  return (await database.pool.query<DeliveryRow>('SELECT * FROM notifications.deliveries WHERE notification_id = $1 AND channel = $2', [notificationId, channel])).rows[0]!;
}

async function attemptsOf(deliveryId: number) {
  return (
    await database.pool.query<{ attempt: number; outcome: string | null; error: string | null; backoff_ms: number | null; worker: string }>(
      `SELECT attempt, outcome, error, worker, (extract(epoch FROM retry_at - finished_at) * 1000)::int AS backoff_ms
         FROM notifications.delivery_attempts WHERE delivery_id = $1 ORDER BY attempt`,
      [deliveryId],
    )
  ).rows;
}

/** Runs the worker until the delivery is final (or the time is up), like its background loop would. */
async function runUntilFinal(w: DeliveryWorker, notificationId: string, timeoutMs = 5000): Promise<DeliveryRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await w.deliverDue();
    const row = await deliveryOf(notificationId);
    if (row.completed_at || Date.now() > deadline) return row;
    await new Promise((done) => setTimeout(done, 15));
  }
}

describe('delivery worker', () => {
  it('sends a created delivery and records it delivered, with the link made absolute', async () => {
    const { notificationId, residentId } = await notice({ email: 'a@example.kr', phone: '010-2000-0001' }, 'en');
    const email = new ScriptedAdapter(['delivered']);
    const sms = new ScriptedAdapter(['delivered']);
    const report = await worker({ email, sms }).deliverDue();
    expect(report).toMatchObject({ claimed: 2, delivered: 2 });
    const row = await deliveryOf(notificationId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, next_attempt_at: null });
    expect(email.calls[0]).toMatchObject({ to: 'a@example.kr', locale: 'en', subject: 'Notice', text: `A notice for resident ${residentId}.\n\nhttps://oncegov.example/me/inbox` });
    expect(sms.calls[0]!.text).toBe('Notice https://oncegov.example/me/inbox');
    expect(await attemptsOf(row.id)).toMatchObject([{ attempt: 1, outcome: 'delivered', backoff_ms: null }]);
    // Nothing left to do: a second run claims nothing.
    expect((await worker({ email, sms }).deliverDue()).claimed).toBe(0);
  });

  it('a link the text already carries in full is not repeated; a bare path in the text gets the full address appended', async () => {
    const residentId = (nextResident += 1);
    contacts.set(residentId, { email: null, phone: '010-2000-0009' });
    for (const [key, linkValue] of [['full', 'https://oncegov.example/services/child-allowance'], ['path', '/services/child-allowance']] as const) {
      await withTransaction(database.pool, (tx) =>
        notifications.send(tx, {
          residentId,
          category: 'child',
          templateId: 'benefit-eligible',
          personalisation: { serviceName: '아동수당', reason: '자녀', amount: '월 100,000원', link: linkValue },
          idempotencyKey: `delivery-link-${key}`,
          link: '/services/child-allowance',
        }),
      );
    }
    const sms = new ScriptedAdapter(['delivered']);
    await worker({ sms }).deliverDue();
    expect(sms.calls.map((c) => c.text)).toEqual([
      '[OnceGov] 아동수당 신청 대상입니다. https://oncegov.example/services/child-allowance',
      '[OnceGov] 아동수당 신청 대상입니다. /services/child-allowance https://oncegov.example/services/child-allowance',
    ]);
  });

  it('an adapter that is down is retried with doubling, capped backoff (past the attempt limit) until it works', async () => {
    const { notificationId } = await notice({ email: 'b@example.kr' });
    const email = new ScriptedAdapter(['throw', 'throw', 'throw', 'throw', 'delivered']);
    const w = worker({ email });
    await w.deliverDue();
    const afterFirst = await deliveryOf(notificationId);
    expect(afterFirst).toMatchObject({ status: 'technical-failure', attempts: 1 });
    expect(afterFirst.last_error).toContain('ECONNREFUSED');
    expect(afterFirst.next_attempt_at).not.toBeNull();
    // Not due yet: an immediate second run leaves it alone.
    await w.deliverDue();
    expect(email.calls).toHaveLength(1);

    const final = await runUntilFinal(w, notificationId);
    expect(final).toMatchObject({ status: 'delivered', attempts: 5, last_error: null });
    expect(email.calls).toHaveLength(5);
    const attempts = await attemptsOf(final.id);
    expect(attempts.map((a) => a.outcome)).toEqual(['technical-failure', 'technical-failure', 'technical-failure', 'technical-failure', 'delivered']);
    // base 40 ms, doubling, capped at 100 ms.
    expect(attempts.map((a) => a.backoff_ms)).toEqual([40, 80, 100, 100, null]);
  });

  it('a permanent failure (bad address) is final at once and never retried', async () => {
    const { notificationId } = await notice({ email: 'nobody@example.kr' });
    const email = new ScriptedAdapter(['permanent', 'delivered']);
    const w = worker({ email });
    const row = await runUntilFinal(w, notificationId);
    expect(row).toMatchObject({ status: 'permanent-failure', attempts: 1, next_attempt_at: null, last_error: '550 no such user' });
    await new Promise((done) => setTimeout(done, 60));
    await w.deliverDue();
    expect(email.calls).toHaveLength(1);
  });

  it('a temporary failure is retried with backoff and becomes final after the attempt limit', async () => {
    const { notificationId } = await notice({ email: 'full@example.kr' });
    const email = new ScriptedAdapter(['temporary']);
    const w = worker({ email });
    const row = await runUntilFinal(w, notificationId);
    expect(row).toMatchObject({ status: 'temporary-failure', attempts: 3, next_attempt_at: null });
    expect((await attemptsOf(row.id)).map((a) => [a.outcome, a.backoff_ms])).toEqual([
      ['temporary-failure', 40],
      ['temporary-failure', 80],
      ['temporary-failure', null],
    ]);
    await new Promise((done) => setTimeout(done, 120));
    await w.deliverDue();
    expect(email.calls).toHaveLength(3);
  });

  it('a temporary failure that clears is delivered on a retry', async () => {
    const { notificationId } = await notice({ email: 'later@example.kr' });
    const row = await runUntilFinal(worker({ email: new ScriptedAdapter(['temporary', 'delivered']) }), notificationId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('an adapter that hangs is cut off by the send timeout and retried', async () => {
    const { notificationId } = await notice({ email: 'slow@example.kr' });
    const hang = () => new Promise<AdapterOutcome>(() => undefined);
    const email = new ScriptedAdapter([hang, 'delivered']);
    const row = await runUntilFinal(worker({ email }, { sendTimeoutMs: 50 }), notificationId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
    expect((await attemptsOf(row.id))[0]!.error).toContain('did not answer within 50 ms');
  });

  it('a channel without an adapter is a technical failure, kept for when one is configured', async () => {
    const { notificationId } = await notice({ phone: '010-2000-0002' });
    await worker({}).deliverDue();
    const row = await deliveryOf(notificationId, 'sms');
    expect(row).toMatchObject({ status: 'technical-failure', last_error: 'no sms adapter is configured' });
    expect(row.next_attempt_at).not.toBeNull();
  });

  it('a worker that stops after claiming (status sending) loses nothing: after its claim expires another worker delivers, and the first cannot overwrite that', async () => {
    const { notificationId } = await notice({ email: 'restart@example.kr' });
    let release!: (outcome: AdapterOutcome) => void;
    const stuck = new ScriptedAdapter([() => new Promise<AdapterOutcome>((resolve) => (release = resolve))]);
    const first = worker({ email: stuck }, { leaseMs: 300, workerId: 'worker-that-stops' });
    const firstRun = first.deliverDue();
    await expect.poll(async () => (await deliveryOf(notificationId)).status, { timeout: 3000 }).toBe('sending');

    const healthy = new ScriptedAdapter(['delivered']);
    const second = worker({ email: healthy }, { leaseMs: 300, workerId: 'worker-after-restart' });
    // While the claim holds, nobody else sends it.
    expect((await second.deliverDue()).claimed).toBe(0);
    await new Promise((done) => setTimeout(done, 350));
    expect(await second.deliverDue()).toMatchObject({ claimed: 1, delivered: 1 });
    const row = await deliveryOf(notificationId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2 });
    const attempts = await attemptsOf(row.id);
    expect(attempts.map((a) => [a.worker, a.outcome])).toEqual([
      ['worker-that-stops', 'technical-failure'],
      ['worker-after-restart', 'delivered'],
    ]);
    expect(attempts[0]!.error).toContain('claim expired');

    // The first worker comes back to life with a failure: its stale claim records nothing.
    release({ status: 'permanent-failure', reason: 'late answer' });
    expect(await firstRun).toMatchObject({ claimed: 1, claimsLost: 1, permanentFailures: 0 });
    expect(await deliveryOf(notificationId)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('several workers share the queue: every delivery is sent exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push((await notice({ email: `many${i}@example.kr` })).notificationId);
    const adapters = [new ScriptedAdapter(['delivered']), new ScriptedAdapter(['delivered']), new ScriptedAdapter(['delivered'])];
    const workers = adapters.map((email, i) => worker({ email }, { batchSize: 4, workerId: `parallel-${i}` }));
    await Promise.all(workers.map((w) => w.deliverDue()));
    const sent = adapters.flatMap((a) => a.calls.map((c) => c.deliveryId));
    const expected = await database.pool.query<{ id: number }>(
      `SELECT d.id FROM notifications.deliveries d WHERE d.notification_id = ANY ($1)`,
      [ids],
    );
    expect(sent.sort((a, b) => a - b)).toEqual(expected.rows.map((r) => r.id).sort((a, b) => a - b));
    expect(adapters.filter((a) => a.calls.length > 0).length).toBeGreaterThan(1);
    const statuses = await database.pool.query(`SELECT DISTINCT status FROM notifications.deliveries WHERE notification_id = ANY ($1)`, [ids]);
    expect(statuses.rows).toEqual([{ status: 'delivered' }]);
  });

  it('the started worker delivers a new notice by itself and stops cleanly', async () => {
    const email = new ScriptedAdapter(['delivered']);
    const w = worker({ email }, { intervalMs: 50 });
    w.start();
    try {
      const { notificationId } = await notice({ email: 'background@example.kr' });
      await expect.poll(async () => (await deliveryOf(notificationId)).status, { timeout: 3000 }).toBe('delivered');
    } finally {
      await w.stop();
    }
  });

  it('the folder adapter writes each email (.eml) and SMS (.txt) into the outbox folder, and refuses .invalid addresses permanently', async () => {
    const outbox = await mkdtemp(join(tmpdir(), 'oncegov-outbox-'));
    try {
      const { notificationId, residentId } = await notice({ email: 'folder@example.kr', phone: '010-3000-0003' }, 'en');
      const bad = await notice({ email: 'someone@example.invalid', phone: '010-0000-0000' });
      const w = worker({ email: new FolderAdapter({ channel: 'email', directory: outbox }), sms: new FolderAdapter({ channel: 'sms', directory: outbox }) });
      await w.deliverDue();
      const email = await deliveryOf(notificationId, 'email');
      const sms = await deliveryOf(notificationId, 'sms');
      expect([email.status, sms.status]).toEqual(['delivered', 'delivered']);
      expect(await readdir(join(outbox, 'email'))).toEqual([`${email.id}.eml`]);
      const eml = await readFile(join(outbox, 'email', `${email.id}.eml`), 'utf8');
      expect(eml).toContain('To: folder@example.kr');
      expect(eml).toContain('Subject: Notice');
      expect(eml).toContain(`X-Oncegov-Notification: ${notificationId}`);
      expect(eml).toContain(`A notice for resident ${residentId}.`);
      const text = await readFile(join(outbox, 'sms', `${sms.id}.txt`), 'utf8');
      expect(text).toContain('To: 010-3000-0003');
      expect(text).toContain('Notice https://oncegov.example/me/inbox');
      expect((await deliveryOf(bad.notificationId, 'email')).status).toBe('permanent-failure');
      expect((await deliveryOf(bad.notificationId, 'sms')).status).toBe('permanent-failure');
    } finally {
      await rm(outbox, { recursive: true, force: true });
    }
  });
});
