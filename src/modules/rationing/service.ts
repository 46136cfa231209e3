// Rationed distribution: programmes (an item, a per-person limit per period, a purchase-day rule),
// outlets that report their stock and sell at the counter with their own API key, and the open,
// real-time stock of every outlet.
//
// A sale is decided in Postgres (rationing.sell_batch, migrations/0130 and 0140): the
// person's allowance row for the period only grows while it stays within the limit, so two
// outlets selling to the same person at the same moment cannot both succeed past it. Concurrent
// sales are gathered into one transaction (core/group-commit): one BEGIN with the key table's
// version, one registry read of the buyers' birth dates, one sell_batch call, one statement for
// every audit entry, one COMMIT. Each sale, allowed or refused, is a use of the buyer's data and is
// audited in that transaction ('rationing.sale', shown on "who used my data").
import { createHash, randomBytes } from 'node:crypto';
import type { AuditActor, AuditEntry, AuditLog } from '../../core/audit';
import { beginReadingChangeVersions, VersionedCache, type ChangeVersions } from '../../core/change-versions';
import { withTransaction, type Pool, type Queryable, type Tx } from '../../core/db';
import { AppError } from '../../core/errors';
import { GroupCommit, type Settled } from '../../core/group-commit';
import type { Message } from '../../core/i18n';
import type { RegistryService } from '../registry/service';
import type { Position } from './geo';
import { mayBuyOn, periodEnd, periodStart, purchaseWeekdays, stockBand, validateDayRule, type DayRule, type Period, type StockBand } from './rules';
import { demoOutlets, MASK_PROGRAMME, type ProgrammeSpec } from './seed';
import { StockStream } from './stream';

export const SALE_ACTION = 'rationing.sale';
export const STOCK_REPORT_ACTION = 'rationing.stock.report';
export const OUTLET_KEY_ACTION = 'rationing.outlet-key.issue';
/** The organisation that runs the central sales server (HIRA, under the Ministry of Health and Welfare). */
export const SALES_ORGANISATION = 'MOHW';
const KEY_PREFIX = 'ogr_';
// Sales are batched in two queues (by outlet key), one batch in flight each. On the 2-core bench
// machine (bench rationing, 64 connections, before migration 0140) two gave 1,957, 1,523 and 1,663
// sales/s against 1,615, 1,340 and 1,734 with three, and one 1,657: fewer batches competing for the
// cores, larger batches. After 0140, at 256 connections, three queues (3,544/s) and batches of up
// to 256 (3,668–5,082/s) were no better than this (4,174–4,916/s) within the run-to-run spread.
const SALE_QUEUES = 2;
/** NOTIFY payloads must stay under 8,000 bytes. */
const NOTIFY_CHUNK = 100;
const WEEKDAY_NAMES: Message[] = [
  { ko: '월', en: 'Monday' }, { ko: '화', en: 'Tuesday' }, { ko: '수', en: 'Wednesday' }, { ko: '목', en: 'Thursday' },
  { ko: '금', en: 'Friday' }, { ko: '토', en: 'Saturday' }, { ko: '일', en: 'Sunday' },
];

export interface Programme {
  id: number;
  slug: string;
  item: Message;
  limitPerPerson: number;
  period: Period;
  dayRule: DayRule;
}

export interface Outlet {
  id: number;
  code: string;
  name: Message;
  regionCode: string;
  address: Message;
  position: Position;
}

export interface OutletStock {
  outletId: number;
  code: string;
  name: Message;
  regionCode: string;
  latitude: number;
  longitude: number;
  remaining: number;
  band: StockBand;
  deliveredTotal: number;
  soldTotal: number;
  /** The stock row's change number (the stream's event id when it last changed). */
  version: number;
  updatedAt: string;
}

export interface StockSnapshot {
  programmeId: number;
  /** The highest change number included: resume the stream from here with Last-Event-ID. */
  lastEventId: number;
  outlets: OutletStock[];
}

/** Who buys: a resident id, or a resident registration number read at the counter. */
export type Buyer = { residentId: number } | { rrn: string };

export interface SaleRequest {
  /** The outlet's API key as presented (Authorization: Bearer ogr_…). */
  outletKey: string | undefined;
  programmeId: number;
  buyer: Buyer;
  quantity: number;
  requestId: string;
}

export interface SaleReceipt {
  programmeId: number;
  outletCode: string;
  residentId: number;
  quantity: number;
  /** How many the buyer has bought in this period, this sale included. */
  boughtThisPeriod: number;
  limitPerPerson: number;
  periodStart: string;
  periodEnd: string;
  outletStock: { remaining: number; band: StockBand };
}

export type StockReport = { delivered: number } | { counted: number };

export interface OperatorContext {
  actor: AuditActor;
  requestId: string;
}

interface PendingSale {
  request: SaleRequest;
  programme: Programme;
  residentId: number;
}

type Refusal = { error: AppError; outlet: Outlet | null; reason: string | null; bought?: number };
type Checked = { outlet: Outlet; birthYear: number } | Refusal;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

function toProgramme(row: { id: number; slug: string; item_ko: string; item_en: string; limit_per_person: number; period: Period; day_rule: DayRule }): Programme {
  return { id: row.id, slug: row.slug, item: { ko: row.item_ko, en: row.item_en }, limitPerPerson: row.limit_per_person, period: row.period, dayRule: row.day_rule };
}

export class RationingService {
  private readonly programmes = new Map<number, Programme>();
  private outlets = new Map<number, Outlet>();
  private readonly keys = new VersionedCache<Map<string, number>>('rationing.outlet_keys', async (db) => {
    const rows = await db.query<{ outlet_id: number; key_hash: Buffer }>('SELECT outlet_id, key_hash FROM rationing.outlet_keys');
    return new Map(rows.rows.map((row) => [row.key_hash.toString('hex'), row.outlet_id]));
  });
  /**
   * Sales go to one of a few queues by outlet (its key), each committing one batch at a time:
   * concurrent batches then touch different outlets' stock rows and never wait for each other's
   * commit, while one person buying at two outlets at once still meets on their allowance row.
   */
  private readonly sales = Array.from({ length: SALE_QUEUES }, () => new GroupCommit<PendingSale, SaleReceipt>((items) => this.sellBatch(items), { maxBatch: 128, maxConcurrent: 1 }));
  private clock: () => Date;
  private readonly onError: ((error: unknown) => void) | undefined;
  readonly stream: StockStream;

  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly registry: RegistryService,
    options: { clock?: () => Date; onError?: (error: unknown) => void } = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.onError = options.onError;
    this.stream = new StockStream(pool, { onError: options.onError });
  }

  /** For tests and benchmarks: decide sales as if it were this moment. */
  useClock(clock: () => Date): void {
    this.clock = clock;
  }

  /**
   * Creates the demo programme (public face masks) and the synthetic pharmacies with their opening
   * stock, once; later starts change nothing. Returns the programme.
   */
  async ensureDemo(): Promise<Programme> {
    return withTransaction(this.pool, async (tx) => {
      await tx.query('LOCK TABLE rationing.programmes IN SHARE ROW EXCLUSIVE MODE');
      const existing = await tx.query('SELECT * FROM rationing.programmes WHERE slug = $1', [MASK_PROGRAMME.slug]);
      if (existing.rows[0]) return toProgramme(existing.rows[0]);
      const outlets = demoOutlets();
      await tx.query(
        `INSERT INTO rationing.outlets (code, name_ko, name_en, region_code, address_ko, address_en, longitude, latitude)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[])
         ON CONFLICT (code) DO NOTHING`,
        [
          outlets.map((o) => o.code), outlets.map((o) => o.name.ko), outlets.map((o) => o.name.en), outlets.map((o) => o.regionCode),
          outlets.map((o) => o.address.ko), outlets.map((o) => o.address.en), outlets.map((o) => o.position[0]), outlets.map((o) => o.position[1]),
        ],
      );
      const programme = await this.insertProgramme(tx, MASK_PROGRAMME);
      await tx.query(
        `UPDATE rationing.stock s SET remaining = v.remaining, delivered_total = v.remaining
           FROM unnest($2::text[], $3::int[]) AS v (code, remaining) JOIN rationing.outlets o ON o.code = v.code
          WHERE s.programme_id = $1 AND s.outlet_id = o.id`,
        [programme.id, outlets.map((o) => o.code), outlets.map((o) => o.initialStock)],
      );
      return programme;
    });
  }

  private async insertProgramme(tx: Tx, spec: ProgrammeSpec): Promise<Programme> {
    const row = await tx.query(
      `INSERT INTO rationing.programmes (slug, item_ko, item_en, limit_per_person, period, day_rule)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [spec.slug, spec.item.ko, spec.item.en, spec.limitPerPerson, spec.period, JSON.stringify(spec.dayRule)],
    );
    const programme = toProgramme(row.rows[0]);
    // Every outlet takes part, starting empty until its first delivery.
    await tx.query('INSERT INTO rationing.stock (programme_id, outlet_id, remaining) SELECT $1, id, 0 FROM rationing.outlets', [programme.id]);
    return programme;
  }

  /** A new programme (operators): every outlet takes part, with no stock until it reports a delivery. */
  async createProgramme(context: OperatorContext, spec: ProgrammeSpec): Promise<Programme> {
    const errors = [];
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(spec.slug) || spec.slug.length > 60) errors.push({ field: '/body/slug', message: 'lower-case words joined by hyphens, at most 60 characters' });
    if (!validateDayRule(spec.dayRule)) errors.push({ field: '/body/dayRule', message: 'not a valid day rule' });
    if (errors.length) throw new AppError('VALIDATION_FAILED', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
    return withTransaction(this.pool, async (tx) => {
      const taken = await tx.query('SELECT 1 FROM rationing.programmes WHERE slug = $1', [spec.slug]);
      if (taken.rowCount) throw new AppError('CONFLICT', `A programme ${spec.slug} already exists.`);
      const programme = await this.insertProgramme(tx, spec);
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'rationing.programme.create',
        purpose: 'rationed distribution: set up a programme',
        resource: `rationing/programmes/${programme.id}`,
        outcome: 'allowed',
        requestId: context.requestId,
        details: { slug: spec.slug, limitPerPerson: spec.limitPerPerson, period: spec.period },
      });
      return programme;
    });
  }

  async listProgrammes(): Promise<Programme[]> {
    const rows = await this.pool.query('SELECT * FROM rationing.programmes ORDER BY id');
    return rows.rows.map(toProgramme);
  }

  /** Programmes never change once created, so a copy is kept per process. */
  async getProgramme(id: number): Promise<Programme> {
    const cached = this.programmes.get(id);
    if (cached) return cached;
    const row = await this.pool.query('SELECT * FROM rationing.programmes WHERE id = $1', [id]);
    if (!row.rows[0]) throw new AppError('PROGRAMME_NOT_FOUND', `There is no rationing programme ${id}.`);
    const programme = toProgramme(row.rows[0]);
    this.programmes.set(id, programme);
    return programme;
  }

  /** Outlets never change once created either; the copy is reloaded when an unknown id turns up. */
  async listOutlets(db: Queryable = this.pool): Promise<Outlet[]> {
    const rows = await db.query<{ id: number; code: string; name_ko: string; name_en: string; region_code: string; address_ko: string; address_en: string; longitude: string; latitude: string }>(
      'SELECT id, code, name_ko, name_en, region_code, address_ko, address_en, longitude, latitude FROM rationing.outlets ORDER BY id',
    );
    const outlets = rows.rows.map((row) => ({
      id: row.id,
      code: row.code,
      name: { ko: row.name_ko, en: row.name_en },
      regionCode: row.region_code,
      address: { ko: row.address_ko, en: row.address_en },
      position: [Number(row.longitude), Number(row.latitude)] as Position,
    }));
    this.outlets = new Map(outlets.map((o) => [o.id, o]));
    return outlets;
  }

  private async outlet(db: Queryable, id: number): Promise<Outlet> {
    if (!this.outlets.has(id)) await this.listOutlets(db);
    const outlet = this.outlets.get(id);
    if (!outlet) throw new AppError('NOT_FOUND', `There is no outlet ${id}.`);
    return outlet;
  }

  /** An outlet from this process's copy (filled by listOutlets and any stock read). */
  cachedOutlet(id: number): Outlet | undefined {
    return this.outlets.get(id);
  }

  async findOutletByCode(code: string): Promise<Outlet | undefined> {
    return (await this.listOutlets()).find((o) => o.code === code);
  }

  /**
   * Issues an outlet's API key (operators); any earlier key of the outlet stops working. The
   * secret is returned this once; only its SHA-256 is kept.
   */
  async issueOutletKey(context: OperatorContext, outletId: number): Promise<{ outlet: Outlet; secret: string }> {
    const outlet = await this.outlet(this.pool, outletId);
    const secret = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
    await withTransaction(this.pool, async (tx) => {
      await tx.query(
        `INSERT INTO rationing.outlet_keys (outlet_id, key_hash, issued_by) VALUES ($1, $2, $3)
         ON CONFLICT (outlet_id) DO UPDATE SET key_hash = excluded.key_hash, issued_at = now(), issued_by = excluded.issued_by`,
        [outlet.id, sha256(secret), context.actor.id],
      );
      await this.audit.append(tx, {
        actor: context.actor,
        action: OUTLET_KEY_ACTION,
        purpose: 'rationed distribution: an outlet\'s API key',
        resource: `rationing/outlets/${outlet.code}`,
        outcome: 'allowed',
        requestId: context.requestId,
        details: { outletCode: outlet.code },
      });
    });
    return { outlet, secret };
  }

  private async authenticate(tx: Tx, versions: ChangeVersions, presented: string | undefined): Promise<Outlet | null> {
    if (!presented?.startsWith(KEY_PREFIX)) return null;
    const outletId = (await this.keys.get(tx, versions)).get(sha256(presented).toString('hex'));
    return outletId === undefined ? null : this.outlet(tx, outletId);
  }

  /**
   * Sells `quantity` of a programme's item to a buyer at the outlet whose key is presented, or
   * refuses with a coded problem: OUTLET_KEY_INVALID (401), PROGRAMME_NOT_FOUND or
   * SUBJECT_NOT_FOUND (404), RATIONING_NOT_PURCHASE_DAY (403), RATIONING_LIMIT_REACHED or
   * RATIONING_OUT_OF_STOCK (409).
   */
  async sell(request: SaleRequest): Promise<SaleReceipt> {
    const programme = await this.getProgramme(request.programmeId);
    if (!request.outletKey?.startsWith(KEY_PREFIX)) throw new AppError('OUTLET_KEY_INVALID', 'Authorization: Bearer <outlet API key> is required.');
    // An unknown number goes on as resident 0, which no one has: the batch checks the outlet's key
    // first, so a caller without one cannot learn whether a number exists.
    const residentId = 'residentId' in request.buyer ? request.buyer.residentId : ((await this.registry.findResidentIdByRrn(request.buyer.rrn)) ?? 0);
    const queue = sha256(request.outletKey)[0]! % SALE_QUEUES;
    return this.sales[queue]!.submit({ request, programme, residentId });
  }

  private async sellBatch(items: PendingSale[]): Promise<Array<Settled<SaleReceipt>>> {
    let versions: ChangeVersions = new Map();
    const at = this.clock();
    const changes = new Map<number, StockNotice>();
    const outcomes = await withTransaction(
      this.pool,
      async (tx) => {
        const checked: Checked[] = [];
        const birthDates = await this.registry.readDataProducts(tx, 'resident.basic', [...new Set(items.map((i) => i.residentId))]);
        for (const item of items) {
          const outlet = await this.authenticate(tx, versions, item.request.outletKey);
          if (!outlet) {
            checked.push({ error: new AppError('OUTLET_KEY_INVALID', 'The outlet API key is not valid (revoked or replaced?).'), outlet: null, reason: null });
            continue;
          }
          const birthDate = birthDates.get(item.residentId)?.birthDate;
          if (typeof birthDate !== 'string') {
            const byNumber = 'rrn' in item.request.buyer;
            const detail = byNumber ? 'No resident has this registration number.' : `There is no resident ${item.residentId}.`;
            checked.push({ error: new AppError('SUBJECT_NOT_FOUND', detail, [{ field: byNumber ? '/body/rrn' : '/body/residentId', message: 'not in the resident register' }]), outlet, reason: 'unknown-buyer' });
            continue;
          }
          const birthYear = Number(birthDate.slice(0, 4));
          const { programme, request } = item;
          if (!mayBuyOn(programme.dayRule, birthYear, at)) {
            const days = purchaseWeekdays(programme.dayRule, birthYear).map((d) => WEEKDAY_NAMES[d - 1]!.en).join(', ');
            checked.push({ error: new AppError('RATIONING_NOT_PURCHASE_DAY', `People born in a year ending in ${birthYear % 10} buy on ${days}.`), outlet, reason: 'not-purchase-day' });
            continue;
          }
          if (request.quantity > programme.limitPerPerson) {
            checked.push({ error: new AppError('RATIONING_LIMIT_REACHED', `At most ${programme.limitPerPerson} per person per ${programme.period}.`, [{ field: '/body/quantity', message: `at most ${programme.limitPerPerson}` }]), outlet, reason: 'over-limit' });
            continue;
          }
          checked.push({ outlet, birthYear });
        }
        const outcomes = new Array<Settled<SaleReceipt> | undefined>(items.length);
        const byProgramme = new Map<number, number[]>();
        checked.forEach((c, i) => {
          if ('error' in c) return;
          const id = items[i]!.programme.id;
          byProgramme.set(id, [...(byProgramme.get(id) ?? []), i]);
        });
        for (const [programmeId, positions] of byProgramme) {
          const programme = items[positions[0]!]!.programme;
          const start = periodStart(programme.period, at);
          // By resident, so that concurrent batches lock allowance rows in one order (see the migration).
          positions.sort((a, b) => items[a]!.residentId - items[b]!.residentId || a - b);
          // Each person's first request in the batch is round 1, their second round 2, …
          const rounds = positions.map((i, k): number => (k > 0 && items[positions[k - 1]!]!.residentId === items[i]!.residentId ? 0 : 1));
          for (let k = 1; k < rounds.length; k += 1) if (rounds[k] === 0) rounds[k] = rounds[k - 1]! + 1;
          const result = await tx.query<{ o_index: number; o_outcome: 'sold' | 'over-limit' | 'out-of-stock'; o_bought: number | null; o_remaining: number | null; o_final: number | null; o_version: number | null; o_updated_ms: number | null }>(
            'SELECT * FROM rationing.sell_batch($1, $2, $3, $4, $5, $6, $7)',
            [programmeId, programme.limitPerPerson, start, positions.map((i) => (checked[i] as { outlet: Outlet }).outlet.id), positions.map((i) => items[i]!.residentId), positions.map((i) => items[i]!.request.quantity), rounds],
          );
          for (const row of result.rows) {
            const i = positions[row.o_index - 1]!;
            const item = items[i]!;
            const outlet = (checked[i] as { outlet: Outlet }).outlet;
            if (row.o_outcome === 'sold') {
              changes.set(outlet.id, [programmeId, outlet.id, row.o_final!, row.o_version!, row.o_updated_ms!]);
              outcomes[i] = {
                ok: true,
                value: {
                  programmeId,
                  outletCode: outlet.code,
                  residentId: item.residentId,
                  quantity: item.request.quantity,
                  boughtThisPeriod: row.o_bought!,
                  limitPerPerson: programme.limitPerPerson,
                  periodStart: start,
                  periodEnd: periodEnd(programme.period, start),
                  outletStock: { remaining: row.o_remaining!, band: stockBand(row.o_remaining!) },
                },
              };
            } else if (row.o_outcome === 'over-limit') {
              checked[i] = {
                error: new AppError('RATIONING_LIMIT_REACHED', `Already bought ${row.o_bought ?? 0} of ${programme.limitPerPerson} in the ${programme.period} from ${start} to ${periodEnd(programme.period, start)}.`),
                outlet,
                reason: 'over-limit',
                bought: row.o_bought ?? 0,
              };
            } else {
              checked[i] = { error: new AppError('RATIONING_OUT_OF_STOCK', `${outlet.code} has ${row.o_remaining ?? 0} left.`), outlet, reason: 'out-of-stock' };
            }
          }
        }
        const entries: AuditEntry[] = [];
        items.forEach((item, i) => {
          const outcome = outcomes[i];
          const refusal = checked[i] as Refusal;
          if (!outcome) outcomes[i] = { ok: false, error: refusal.error };
          const outlet = outcome?.ok ? (checked[i] as { outlet: Outlet }).outlet : refusal.outlet;
          // Nothing about the buyer was used for a caller without a valid key: nothing to audit.
          if (!outlet) return;
          entries.push(this.saleEntry(item, outlet, outcome?.ok ? null : refusal));
        });
        await this.audit.appendMany(tx, entries);
        return outcomes as Array<Settled<SaleReceipt>>;
      },
      async (client) => {
        versions = await beginReadingChangeVersions(client);
      },
    );
    if (changes.size > 0) void this.announce([...changes.values()]);
    return outcomes;
  }

  /**
   * Tells every stream (in every process) about committed stock changes: NOTIFY in a transaction
   * of its own that changes no data, so it need not wait for the disk (synchronous_commit off) and
   * holds the notification queue's lock only for a moment. A lost notice (a crash in between)
   * costs a stream one update; the next change or a resume (Last-Event-ID) brings it up to date.
   */
  private async announce(changes: StockNotice[]): Promise<void> {
    try {
      const client = await this.pool.connect();
      try {
        const notices: string[] = [];
        for (let i = 0; i < changes.length; i += NOTIFY_CHUNK) {
          notices.push(`SELECT pg_notify('rationing_stock', ${client.escapeLiteral(JSON.stringify(changes.slice(i, i + NOTIFY_CHUNK)))});`);
        }
        await client.query(`BEGIN; SET LOCAL synchronous_commit TO OFF; ${notices.join(' ')} COMMIT;`);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      this.onError?.(error);
    }
  }

  private saleEntry(item: PendingSale, outlet: Outlet, refusal: Refusal | null): AuditEntry {
    return {
      actor: { id: `outlet:${outlet.code}`, role: 'system', org: SALES_ORGANISATION },
      action: SALE_ACTION,
      purpose: `rationed distribution: ${item.programme.slug} (purchase limit check and sale)`,
      resource: `rationing/programmes/${item.programme.id}/sales`,
      outcome: refusal ? (refusal.reason === 'unknown-buyer' ? 'failed' : 'denied') : 'allowed',
      subjectResidentId: refusal?.reason === 'unknown-buyer' ? null : item.residentId,
      requestId: item.request.requestId,
      details: {
        programmeId: item.programme.id,
        outletCode: outlet.code,
        outletName: outlet.name.ko,
        quantity: item.request.quantity,
        ...(refusal ? { reason: refusal.reason } : {}),
      },
    };
  }

  /** An outlet reports a delivery (added to its stock) or a count (replaces it); audited, streamed. */
  async reportStock(outletKey: string | undefined, programmeId: number, report: StockReport, requestId: string): Promise<OutletStock> {
    await this.getProgramme(programmeId);
    let versions: ChangeVersions = new Map();
    return withTransaction(
      this.pool,
      async (tx) => {
        const outlet = await this.authenticate(tx, versions, outletKey);
        if (!outlet) throw new AppError('OUTLET_KEY_INVALID', 'Authorization: Bearer <outlet API key> is required.');
        const delivered = 'delivered' in report ? report.delivered : null;
        const counted = 'counted' in report ? report.counted : null;
        const updated = await tx.query<StockRow>(
          `UPDATE rationing.stock s
              SET remaining = coalesce($3::int, s.remaining + $4::int), delivered_total = s.delivered_total + coalesce($4::int, 0),
                  version = nextval('rationing.stock_versions'), updated_at = clock_timestamp()
            WHERE s.programme_id = $1 AND s.outlet_id = $2
            RETURNING s.outlet_id, s.remaining, s.delivered_total, s.sold_total, s.version, s.updated_at`,
          [programmeId, outlet.id, counted, delivered],
        );
        const row = updated.rows[0];
        if (!row) throw new AppError('NOT_FOUND', `${outlet.code} does not take part in programme ${programmeId}.`);
        await this.audit.append(tx, {
          actor: { id: `outlet:${outlet.code}`, role: 'system', org: SALES_ORGANISATION },
          action: STOCK_REPORT_ACTION,
          purpose: 'rationed distribution: stock report',
          resource: `rationing/programmes/${programmeId}/stock/${outlet.code}`,
          outcome: 'allowed',
          requestId,
          details: { ...report, remaining: row.remaining },
        });
        return this.toOutletStock(row, outlet);
      },
      async (client) => {
        versions = await beginReadingChangeVersions(client);
      },
    ).then((stock) => {
      void this.announce([[programmeId, stock.outletId, stock.remaining, stock.version, Date.parse(stock.updatedAt)]]);
      return stock;
    });
  }

  /** Every outlet's stock of a programme (the open dataset). */
  async stock(programmeId: number): Promise<StockSnapshot> {
    await this.getProgramme(programmeId);
    return this.stockSince(programmeId, 0);
  }

  /** The outlets whose stock changed after change number `version` (the stream's resume). */
  async stockSince(programmeId: number, version: number): Promise<StockSnapshot> {
    const rows = await this.pool.query<StockRow>(
      `SELECT outlet_id, remaining, delivered_total, sold_total, version, updated_at FROM rationing.stock
        WHERE programme_id = $1 AND version > $2 ORDER BY outlet_id`,
      [programmeId, version],
    );
    const outlets: OutletStock[] = [];
    for (const row of rows.rows) outlets.push(this.toOutletStock(row, await this.outlet(this.pool, row.outlet_id)));
    return { programmeId, lastEventId: outlets.reduce((max, o) => Math.max(max, o.version), version), outlets };
  }

  /** Outlet details for a change the stream announces (from the per-process copy). */
  async outletStockOf(change: { outletId: number; remaining: number; version: number; updatedAtMs: number }): Promise<Pick<OutletStock, 'outletId' | 'code' | 'remaining' | 'band' | 'version' | 'updatedAt'>> {
    const outlet = await this.outlet(this.pool, change.outletId);
    return { outletId: outlet.id, code: outlet.code, remaining: change.remaining, band: stockBand(change.remaining), version: change.version, updatedAt: new Date(change.updatedAtMs).toISOString() };
  }

  private toOutletStock(row: StockRow, outlet: Outlet): OutletStock {
    return {
      outletId: outlet.id,
      code: outlet.code,
      name: outlet.name,
      regionCode: outlet.regionCode,
      longitude: outlet.position[0],
      latitude: outlet.position[1],
      remaining: row.remaining,
      band: stockBand(row.remaining),
      deliveredTotal: row.delivered_total,
      soldTotal: row.sold_total,
      version: row.version,
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async stop(): Promise<void> {
    await this.stream.stop();
  }
}

/** As the stream reads it: [programme, outlet, remaining, version, updated at in epoch ms]. */
type StockNotice = [number, number, number, number, number];

interface StockRow {
  outlet_id: number;
  remaining: number;
  delivered_total: number;
  sold_total: number;
  version: number;
  updated_at: Date;
}
