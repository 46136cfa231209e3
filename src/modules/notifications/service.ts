// Notifications (issue 4): a resident's inbox in the portal, plus one email and one SMS delivery
// when the resident can be reached that way. `send` runs inside the caller's transaction, so a
// notice exists exactly when the change that caused it committed; its idempotency key is unique,
// so a crash and retry (or an event delivered twice) never makes a second notice. Residents opt
// out per category; a notice in a category they left is suppressed (nothing is stored or sent).
// Deliveries are sent after commit by the DeliveryWorker (delivery.ts).
import { randomUUID } from 'node:crypto';
import type { AuditActor, AuditEntry, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import type { Pool, Queryable } from '../../core/db';
import { withTransaction } from '../../core/db';
import { AppError, type FieldProblem } from '../../core/errors';
import { isLocale, type Locale, type Message } from '../../core/i18n';
import { isNotificationCategory, NOTIFICATION_CATEGORIES, type NotificationCategory } from './categories';
import { notificationTemplates, type Personalisation, type RenderedTemplate, type TemplateRegistry } from './templates';

export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];
/** GOV.UK Notify's delivery statuses. */
export const DELIVERY_STATUSES = ['created', 'sending', 'delivered', 'temporary-failure', 'permanent-failure', 'technical-failure'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const NOTIFICATION_ID_PATTERN = '^NTF-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const NOTIFICATION_ID = new RegExp(NOTIFICATION_ID_PATTERN);
const SITE_PATH = /^\/(?![/\\])[^\s\\]{0,499}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** The platform itself, sending a notice on another module's behalf, as the audit log names it. */
export const NOTIFICATIONS_ACTOR: AuditActor = { id: 'system:notifications', role: 'system', org: 'MOIS' };

export interface SendRequest {
  residentId: number;
  category: NotificationCategory;
  /** A template in the registry, e.g. 'benefit-eligible'. */
  templateId: string;
  /** Exactly the template's placeholders. */
  personalisation: Personalisation;
  /** Unique per notice: the same key again returns the notice it made (e.g. `benefit:child-allowance:resident:7`). */
  idempotencyKey: string;
  /** A page on this site the notice points to, e.g. '/services/child-allowance'. */
  link?: string | null;
  /** What the notice is about, e.g. a service id; kept for the sender's own look-ups. */
  reference?: string | null;
  /** Who causes the notice (audit log); the notification service itself when not given. */
  actor?: AuditActor;
  requestId?: string | null;
}

export interface SendResult {
  /** created: a new notice; duplicate: the key was used before, nothing new; suppressed: the resident opted out of the category. */
  status: 'created' | 'duplicate' | 'suppressed';
  /** The notice (new or earlier); null when suppressed. */
  notificationId: string | null;
  /** The channels a delivery was created for (new notices only). */
  channels: Channel[];
}

/** The contact details a notice is delivered to, read through the identity module's service (one statement per batch, audited). */
export interface ContactDetailsSource {
  residentsContactDetails(
    db: Queryable,
    reads: ReadonlyArray<{ residentId: number; requestId?: string | null }>,
    access: { actor: AuditActor; purpose: string },
  ): Promise<Map<number, { email: string | null; phone: string | null }>>;
}

export interface DeliverySummary {
  channel: Channel;
  status: DeliveryStatus;
  attempts: number;
  updatedAt: string;
}

export interface Notification {
  id: string;
  residentId: number;
  category: NotificationCategory;
  templateId: string;
  /** The language email and SMS went out in. */
  locale: Locale;
  title: Message;
  body: Message;
  link: string | null;
  reference: string | null;
  createdAt: string;
  readAt: string | null;
  deliveries: DeliverySummary[];
}

export interface NotificationPage {
  items: Notification[];
  total: number;
  unread: number;
  offset: number;
  limit: number;
}

export interface NotificationPreferences {
  /** Categories the resident does not want notices in. */
  optedOut: NotificationCategory[];
  /** The language of email and SMS; null: not chosen (Korean). */
  language: Locale | null;
  updatedAt: string | null;
}

export interface NotificationContext {
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
}

interface NotificationRow {
  id: string;
  resident_id: number;
  category: NotificationCategory;
  template_id: string;
  locale: Locale;
  title_ko: string;
  title_en: string;
  body_ko: string;
  body_en: string;
  link: string | null;
  reference: string | null;
  created_at: Date;
  read_at: Date | null;
  deliveries: Array<{ channel: Channel; status: DeliveryStatus; attempts: number; updated_at: string }> | null;
}

const SELECT_NOTIFICATION = `SELECT n.id, n.resident_id, n.category, n.template_id, n.locale, n.title_ko, n.title_en, n.body_ko, n.body_en,
       n.link, n.reference, n.created_at, n.read_at,
       (SELECT json_agg(json_build_object('channel', d.channel, 'status', d.status, 'attempts', d.attempts, 'updated_at', d.updated_at) ORDER BY d.channel)
          FROM notifications.deliveries d WHERE d.notification_id = n.id) AS deliveries
  FROM notifications.notifications n`;

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    residentId: Number(row.resident_id),
    category: row.category,
    templateId: row.template_id,
    locale: row.locale,
    title: { ko: row.title_ko, en: row.title_en },
    body: { ko: row.body_ko, en: row.body_en },
    link: row.link,
    reference: row.reference,
    createdAt: row.created_at.toISOString(),
    readAt: row.read_at?.toISOString() ?? null,
    deliveries: (row.deliveries ?? []).map((d) => ({ channel: d.channel, status: d.status, attempts: d.attempts, updatedAt: new Date(d.updated_at).toISOString() })),
  };
}

function validateSend(request: SendRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Number.isSafeInteger(request.residentId) || request.residentId < 1) problems.push({ field: '/residentId', message: 'must be a resident id' });
  if (!isNotificationCategory(request.category)) problems.push({ field: '/category', message: `must be one of ${NOTIFICATION_CATEGORIES.join(', ')}` });
  if (typeof request.idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(request.idempotencyKey)) {
    problems.push({ field: '/idempotencyKey', message: 'must be 1–200 printable ASCII characters without spaces' });
  }
  if (request.link != null && (typeof request.link !== 'string' || !SITE_PATH.test(request.link))) {
    problems.push({ field: '/link', message: 'must be a path on this site, e.g. /services/child-allowance' });
  }
  if (request.reference != null && (typeof request.reference !== 'string' || request.reference.length > 200)) {
    problems.push({ field: '/reference', message: 'must be text of at most 200 characters' });
  }
  return problems;
}

interface KeyRow {
  id: string;
  resident_id: number;
  template_id: string;
}

/** A key used before answers its notice, if it was for the same resident and template. */
function duplicateOf(row: KeyRow, request: SendRequest): SendResult {
  if (Number(row.resident_id) !== request.residentId || row.template_id !== request.templateId) {
    throw new AppError('CONFLICT', `The idempotency key ${request.idempotencyKey} was used for another notice.`, [
      { field: '/idempotencyKey', message: 'was used for a notice to another resident or with another template' },
    ]);
  }
  return { status: 'duplicate', notificationId: row.id, channels: [] };
}

export class NotificationsService {
  private readonly templates: TemplateRegistry;
  private readonly onDeliveriesCreated: () => void;

  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly contacts: ContactDetailsSource,
    options: { templates?: TemplateRegistry; onDeliveriesCreated?: () => void } = {},
  ) {
    this.templates = options.templates ?? notificationTemplates;
    this.onDeliveriesCreated = options.onDeliveriesCreated ?? (() => undefined);
  }

  /**
   * Creates a notice for a resident inside the caller's transaction `db`: the inbox entry and a
   * delivery per channel the resident can be reached on. Bad requests (unknown template or
   * category, a missing or extra placeholder, a link off this site) throw VALIDATION_FAILED with
   * a pointer per problem. A key used before answers 'duplicate' with the earlier notice (also
   * when two sends with one key race: the unique key decides); reusing a key for another resident
   * or template is a CONFLICT. A category the resident opted out of answers 'suppressed'.
   */
  async send(db: Queryable, request: SendRequest): Promise<SendResult> {
    return (await this.sendBatch(db, [request], ''))[0]!;
  }

  /**
   * `send` for many notices at once, with a fixed number of statements whatever their number (for
   * sweeps over a population). Answers one result per request, in order. Every request is checked
   * before anything is written: problems point into the list (`/3/personalisation/amount`). A key
   * repeated within the list makes one notice; the later ones answer 'duplicate'.
   */
  async sendMany(db: Queryable, requests: readonly SendRequest[]): Promise<SendResult[]> {
    return this.sendBatch(db, requests, 'index');
  }

  private async sendBatch(db: Queryable, requests: readonly SendRequest[], pointers: '' | 'index'): Promise<SendResult[]> {
    if (requests.length === 0) return [];
    const problems: FieldProblem[] = [];
    const rendered = requests.map((request, i) => {
      const prefix = pointers === 'index' ? `/${i}` : '';
      const found = validateSend(request);
      let result: RenderedTemplate | null = null;
      try {
        result = this.templates.render(request.templateId, request.personalisation);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        found.push(...(error.errors ?? [{ field: '/templateId', message: error.message }]));
      }
      problems.push(...found.map((p) => ({ field: `${prefix}${p.field}`, message: p.message })));
      return result;
    });
    if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);

    const results: Array<SendResult | undefined> = new Array(requests.length);
    const earlier = await this.findByKeys(db, requests.map((r) => r.idempotencyKey));
    const firstWithKey = new Map<string, number>();
    const repeats: Array<[index: number, first: number]> = [];
    const pending: number[] = [];
    requests.forEach((request, i) => {
      const row = earlier.get(request.idempotencyKey);
      if (row) {
        results[i] = duplicateOf(row, request);
        return;
      }
      const first = firstWithKey.get(request.idempotencyKey);
      if (first !== undefined) {
        duplicateOf({ id: '', resident_id: requests[first]!.residentId, template_id: requests[first]!.templateId }, request);
        repeats.push([i, first]);
        return;
      }
      firstWithKey.set(request.idempotencyKey, i);
      pending.push(i);
    });

    const preferences = await this.readPreferencesOf(db, pending.map((i) => requests[i]!.residentId));
    const toCreate = pending.filter((i) => {
      const request = requests[i]!;
      if (!preferences.get(request.residentId)?.optedOut.includes(request.category)) return true;
      results[i] = { status: 'suppressed', notificationId: null, channels: [] };
      return false;
    });

    if (toCreate.length) {
      const contacts = await this.contacts.residentsContactDetails(
        db,
        toCreate.map((i) => ({ residentId: requests[i]!.residentId, requestId: requests[i]!.requestId ?? null })),
        { actor: NOTIFICATIONS_ACTOR, purpose: 'notifications: where to send a notice to the resident' },
      );
      const rows = toCreate.map((i) => {
        const request = requests[i]!;
        const text = rendered[i]!;
        const contact = contacts.get(request.residentId);
        const channels: Channel[] = [];
        if (contact?.email) channels.push('email');
        if (contact?.phone) channels.push('sms');
        return { i, request, text, contact, channels, id: `NTF-${randomUUID()}`, locale: preferences.get(request.residentId)?.language ?? 'ko' };
      });
      // Inserted in key order: concurrent batches then wait on each other's keys in one order, never in a cycle.
      rows.sort((a, b) => (a.request.idempotencyKey < b.request.idempotencyKey ? -1 : a.request.idempotencyKey > b.request.idempotencyKey ? 1 : 0));
      const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
      const inserted = await db.query<{ idempotency_key: string }>(
        `INSERT INTO notifications.notifications (id, resident_id, category, template_id, personalisation, locale,
           title_ko, title_en, body_ko, body_en, sms_ko, sms_en, link, reference, idempotency_key)
         SELECT id, resident_id, category, template_id, personalisation::jsonb, locale, title_ko, title_en, body_ko, body_en, sms_ko, sms_en, link, reference, idempotency_key
           FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                       $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
                AS n (id, resident_id, category, template_id, personalisation, locale, title_ko, title_en, body_ko, body_en, sms_ko, sms_en, link, reference, idempotency_key)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING idempotency_key`,
        [
          column((r) => r.id),
          column((r) => r.request.residentId),
          column((r) => r.request.category),
          column((r) => r.request.templateId),
          column((r) => JSON.stringify(r.request.personalisation)),
          column((r) => r.locale),
          column((r) => r.text.title.ko),
          column((r) => r.text.title.en),
          column((r) => r.text.body.ko),
          column((r) => r.text.body.en),
          column((r) => r.text.sms.ko),
          column((r) => r.text.sms.en),
          column((r) => r.request.link ?? null),
          column((r) => r.request.reference ?? null),
          column((r) => r.request.idempotencyKey),
        ],
      );
      const created = new Set(inserted.rows.map((r) => r.idempotency_key));
      const made = rows.filter((r) => created.has(r.request.idempotencyKey));
      // Another transaction made these notices between our look-up and our insert; it has
      // committed (the insert waited for it), so they are visible now.
      const raced = rows.filter((r) => !created.has(r.request.idempotencyKey));
      if (raced.length) {
        const winners = await this.findByKeys(db, raced.map((r) => r.request.idempotencyKey));
        for (const r of raced) {
          const row = winners.get(r.request.idempotencyKey);
          if (!row) throw new AppError('CONFLICT', `The idempotency key ${r.request.idempotencyKey} is in use.`);
          results[r.i] = duplicateOf(row, r.request);
        }
      }
      const deliveries = made.flatMap((r) => r.channels.map((channel) => ({ id: r.id, channel, address: channel === 'email' ? r.contact!.email! : r.contact!.phone! })));
      if (deliveries.length) {
        await db.query(
          `INSERT INTO notifications.deliveries (notification_id, channel, address)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
          [deliveries.map((d) => d.id), deliveries.map((d) => d.channel), deliveries.map((d) => d.address)],
        );
      }
      await this.audit.appendMany(
        db,
        made.map((r) => ({
          actor: r.request.actor ?? NOTIFICATIONS_ACTOR,
          action: 'notifications.create',
          purpose: 'notifications: inform the resident',
          resource: `notifications/${r.id}`,
          outcome: 'allowed' as const,
          subjectResidentId: r.request.residentId,
          requestId: r.request.requestId ?? null,
          details: { notificationId: r.id, category: r.request.category, templateId: r.request.templateId, channels: r.channels, reference: r.request.reference ?? null },
        })),
      );
      for (const r of made) results[r.i] = { status: 'created', notificationId: r.id, channels: r.channels };
      if (deliveries.length) this.onDeliveriesCreated();
    }
    for (const [i, first] of repeats) {
      const outcome = results[first]!;
      results[i] = outcome.status === 'suppressed' ? outcome : { status: 'duplicate', notificationId: outcome.notificationId, channels: [] };
    }
    return results as SendResult[];
  }

  /** The signed-in resident's notices, newest first, one page, with how many there are and how many are unread (audited). */
  async listForResident(context: NotificationContext, page: { offset?: number; limit?: number } = {}): Promise<NotificationPage> {
    const residentId = this.residentOf(context);
    const offset = Math.max(0, Math.trunc(page.offset ?? 0));
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(page.limit ?? DEFAULT_PAGE_SIZE)));
    return withTransaction(this.pool, async (tx) => {
      const counts = await tx.query<{ total: number; unread: number }>(
        'SELECT count(*)::int AS total, (count(*) FILTER (WHERE read_at IS NULL))::int AS unread FROM notifications.notifications WHERE resident_id = $1',
        [residentId],
      );
      const rows = await tx.query<NotificationRow>(
        `${SELECT_NOTIFICATION} WHERE n.resident_id = $1 ORDER BY n.created_at DESC, n.id DESC OFFSET $2 LIMIT $3`,
        [residentId, offset, limit],
      );
      await this.audit.append(tx, this.entry(context, 'notifications.list', 'allowed', residentId, `notifications?resident=${residentId}`, { offset, limit }));
      return { items: rows.rows.map(toNotification), total: counts.rows[0]!.total, unread: counts.rows[0]!.unread, offset, limit };
    });
  }

  /** How many of the signed-in resident's notices are unread (a count, no personal content; not audited). */
  async unreadCount(context: NotificationContext): Promise<number> {
    const residentId = this.residentOf(context);
    const result = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications.notifications WHERE resident_id = $1 AND read_at IS NULL', [residentId]);
    return result.rows[0]!.n;
  }

  /**
   * One of the signed-in resident's notices (audited); someone else's, or none, is 404 (a refusal
   * is audited as denied). With `markRead`, opening it marks it read, as an inbox does.
   */
  async get(context: NotificationContext, id: string, options: { markRead?: boolean } = {}): Promise<Notification> {
    return this.readOne(context, id, 'notifications.read', options.markRead === true);
  }

  /** Marks one of the signed-in resident's notices as read (again: no change) and answers it (audited). */
  async markRead(context: NotificationContext, id: string): Promise<Notification> {
    return this.readOne(context, id, 'notifications.mark-read', true);
  }

  /** The signed-in resident's preferences (audited). */
  async getPreferences(context: NotificationContext): Promise<NotificationPreferences> {
    const residentId = this.residentOf(context);
    return withTransaction(this.pool, async (tx) => {
      const preferences = await this.readPreferences(tx, residentId);
      await this.audit.append(tx, this.entry(context, 'notifications.preferences.read', 'allowed', residentId, `notifications/preferences/${residentId}`, {}));
      return preferences;
    });
  }

  /** Replaces the signed-in resident's preferences: the categories opted out of and the language of notices (audited, old and new). */
  async setPreferences(context: NotificationContext, input: { optedOut: string[]; language?: string | null }): Promise<NotificationPreferences> {
    const residentId = this.residentOf(context);
    const problems: FieldProblem[] = [];
    const optedOut = Array.isArray(input.optedOut) ? input.optedOut : [];
    if (!Array.isArray(input.optedOut)) problems.push({ field: '/body/optedOut', message: 'must be a list of categories' });
    optedOut.forEach((category, i) => {
      if (!isNotificationCategory(category)) problems.push({ field: `/body/optedOut/${i}`, message: `must be one of ${NOTIFICATION_CATEGORIES.join(', ')}` });
    });
    if (input.language != null && !isLocale(input.language)) problems.push({ field: '/body/language', message: 'must be ko or en' });
    if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
    const categories = NOTIFICATION_CATEGORIES.filter((c) => optedOut.includes(c));
    const language = (input.language ?? null) as Locale | null;
    return withTransaction(this.pool, async (tx) => {
      const before = await this.readPreferences(tx, residentId, true);
      const result = await tx.query<{ updated_at: Date }>(
        `INSERT INTO notifications.preferences (resident_id, opted_out, locale, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (resident_id) DO UPDATE SET opted_out = EXCLUDED.opted_out, locale = EXCLUDED.locale, updated_at = now()
         RETURNING updated_at`,
        [residentId, categories, language],
      );
      await this.audit.append(
        tx,
        this.entry(context, 'notifications.preferences.update', 'allowed', residentId, `notifications/preferences/${residentId}`, {
          from: { optedOut: before.optedOut, language: before.language },
          to: { optedOut: categories, language },
        }),
      );
      return { optedOut: categories, language, updatedAt: result.rows[0]!.updated_at.toISOString() };
    });
  }

  private async readOne(context: NotificationContext, id: string, action: string, markRead: boolean): Promise<Notification> {
    const residentId = this.residentOf(context);
    const outcome = await withTransaction(this.pool, async (tx): Promise<Notification | AppError> => {
      const owner = NOTIFICATION_ID.test(id)
        ? (await tx.query<{ resident_id: number }>('SELECT resident_id FROM notifications.notifications WHERE id = $1', [id])).rows[0]
        : undefined;
      if (!owner) return new AppError('NOT_FOUND', `There is no notification ${id}.`);
      if (Number(owner.resident_id) !== residentId) {
        await this.audit.append(tx, this.entry(context, action, 'denied', Number(owner.resident_id), `notifications/${id}`, { notificationId: id, reason: 'not the addressee' }));
        return new AppError('NOT_FOUND', `There is no notification ${id}.`);
      }
      if (markRead) await tx.query('UPDATE notifications.notifications SET read_at = now() WHERE id = $1 AND read_at IS NULL', [id]);
      const row = (await tx.query<NotificationRow>(`${SELECT_NOTIFICATION} WHERE n.id = $1`, [id])).rows[0]!;
      await this.audit.append(tx, this.entry(context, action, 'allowed', residentId, `notifications/${id}`, { notificationId: id }));
      return toNotification(row);
    });
    if (outcome instanceof AppError) throw outcome;
    return outcome;
  }

  private async findByKeys(db: Queryable, keys: string[]): Promise<Map<string, KeyRow>> {
    const rows = await db.query<KeyRow & { idempotency_key: string }>(
      'SELECT id, resident_id, template_id, idempotency_key FROM notifications.notifications WHERE idempotency_key = ANY ($1::text[])',
      [keys],
    );
    return new Map(rows.rows.map((row) => [row.idempotency_key, row]));
  }

  private async readPreferencesOf(db: Queryable, residentIds: number[]): Promise<Map<number, NotificationPreferences>> {
    if (residentIds.length === 0) return new Map();
    const rows = await db.query<{ resident_id: number; opted_out: NotificationCategory[]; locale: Locale | null; updated_at: Date }>(
      'SELECT resident_id, opted_out, locale, updated_at FROM notifications.preferences WHERE resident_id = ANY ($1::bigint[])',
      [[...new Set(residentIds)]],
    );
    return new Map(
      rows.rows.map((row) => [Number(row.resident_id), { optedOut: row.opted_out, language: row.locale, updatedAt: row.updated_at.toISOString() }]),
    );
  }

  private async readPreferences(db: Queryable, residentId: number, forUpdate = false): Promise<NotificationPreferences> {
    const row = (
      await db.query<{ opted_out: NotificationCategory[]; locale: Locale | null; updated_at: Date }>(
        `SELECT opted_out, locale, updated_at FROM notifications.preferences WHERE resident_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
        [residentId],
      )
    ).rows[0];
    return { optedOut: row?.opted_out ?? [], language: row?.locale ?? null, updatedAt: row?.updated_at.toISOString() ?? null };
  }

  private residentOf(context: NotificationContext): number {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (principal.role !== 'resident' || principal.residentId === null) throw new AppError('FORBIDDEN', 'Only residents have notifications.');
    return principal.residentId;
  }

  private entry(context: NotificationContext, action: string, outcome: 'allowed' | 'denied', subject: number, resource: string, details: Record<string, unknown>): AuditEntry {
    return {
      actor: context.actor,
      action,
      purpose: 'self-service: the resident\'s own notifications',
      resource,
      outcome,
      subjectResidentId: subject,
      requestId: context.requestId,
      details,
    };
  }
}
