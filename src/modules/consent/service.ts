// MyData consent (issue 3): a resident lets one recipient subsystem (an agency's, or an essential
// service provider's such as the demo bank's loan screening) fetch whole data products about them
// through the once-only exchange, for a purpose, between a start and an expiry, once or up to N
// times per period, and keep the data for a stated time (data life). Each grant is stored and
// issued as a signed consent artefact: a compact JWS (EdDSA, the platform key, its kid in
// /.well-known/jwks.json) over the India Account Aggregator / GovStack fields. The resident lists,
// pauses, resumes and revokes their consents; every change is audited in its own transaction.
// The exchange asks `findActiveConsent` and calls `recordUse` inside its read's transaction.
//
// States: ACTIVE, PAUSED, REVOKED are stored; EXPIRED is computed from consentExpiry. A one-time
// consent is "used up" after its first use (still ACTIVE until expiry, but no longer usable).
import { randomUUID } from 'node:crypto';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { AuditActor, AuditEntry, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import type { Pool, Queryable } from '../../core/db';
import { withTransaction } from '../../core/db';
import { AppError, type FieldProblem } from '../../core/errors';
import type { PlatformKeys } from '../../core/keys';
import { findPurpose } from '../agreements';
import type { DirectoryService, Subsystem } from '../directory';
import { findDataProduct, DATA_PRODUCTS, type DataProduct } from '../registry/data-products';

export const CONSENT_STATES = ['ACTIVE', 'PAUSED', 'REVOKED', 'EXPIRED'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];
export const FREQUENCY_UNITS = ['DAY', 'WEEK', 'MONTH', 'YEAR'] as const;
export type FrequencyUnit = (typeof FREQUENCY_UNITS)[number];
export const DATA_LIFE_UNITS = ['DAY', 'MONTH', 'YEAR'] as const;
export type DataLifeUnit = (typeof DATA_LIFE_UNITS)[number];
export const FETCH_TYPES = ['ONETIME', 'PERIODIC'] as const;
export type FetchType = (typeof FETCH_TYPES)[number];
export type ConsentAction = 'pause' | 'resume' | 'revoke';

/** Purposes a resident may consent to (the agreements catalogue without covert law enforcement). */
export const CONSENT_PURPOSE_CODES = ['LOAN-SCREENING', 'WELFARE-ELIGIBILITY', 'EMPLOYMENT-INSURANCE', 'CIVIL-PETITION', 'TAX-ASSESSMENT'] as const;

/** Products a resident can consent to share: the ones about a resident (not business.registration). */
export function consentableProducts(): DataProduct[] {
  return DATA_PRODUCTS.filter((p) => p.subject === 'resident');
}

export const MAX_VALIDITY_DAYS = 366 * 5;
export const CONSENT_ID_PATTERN = '^CNS-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const CONSENT_ID = new RegExp(CONSENT_ID_PATTERN);

export interface GrantInput {
  recipient: string;
  purposeCode: string;
  purposeText: string;
  dataTypes: string[];
  /** ISO date-time or YYYY-MM-DD (Korea time, start of day); default now. */
  consentStart?: string;
  /** ISO date-time or YYYY-MM-DD (Korea time, end of that day). */
  consentExpiry: string;
  fetchType: string;
  frequency?: { unit: string; value: number } | null;
  dataLife: { unit: string; value: number };
}

/** The consent artefact exactly as signed (ReBIT Account Aggregator / GovStack field names). */
export interface ConsentArtefact {
  ver: '1.0';
  consentId: string;
  timestamp: string;
  consentStart: string;
  consentExpiry: string;
  consentMode: 'VIEW' | 'STORE';
  fetchType: FetchType;
  frequency: { unit: FrequencyUnit; value: number } | null;
  dataTypes: string[];
  dataConsumer: { id: string; type: 'SUBSYSTEM' };
  customer: { id: string };
  purpose: { code: string; text: string };
  dataLife: { unit: DataLifeUnit; value: number };
}

export interface Consent {
  id: string;
  residentId: number;
  state: ConsentState;
  recipient: string;
  recipientName: { ko: string; en: string } | null;
  purpose: { code: string; text: string };
  dataTypes: string[];
  consentStart: string;
  consentExpiry: string;
  consentMode: 'VIEW' | 'STORE';
  fetchType: FetchType;
  frequency: { unit: FrequencyUnit; value: number } | null;
  dataLife: { unit: DataLifeUnit; value: number };
  useCount: number;
  lastUsedAt: string | null;
  /** A one-time consent after its first use. */
  usedUp: boolean;
  createdAt: string;
  statusChangedAt: string;
  artefact: ConsentArtefact;
  /** The artefact as a compact JWS (EdDSA; verify with /.well-known/jwks.json). */
  signedConsent: string;
}

export interface ActiveConsent {
  id: string;
  residentId: number;
  recipient: string;
  dataTypes: string[];
  purposeCode: string;
  purposeText: string;
  fetchType: FetchType;
}

export interface ConsentVerification {
  consentId: string;
  signatureValid: boolean;
  kid: string | null;
  state: ConsentState | null;
  artefact: ConsentArtefact | null;
  reason: string | null;
}

export interface ConsentContext {
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
}

interface ConsentRow {
  id: string;
  resident_id: string;
  recipient_subsystem: string;
  purpose_code: string;
  purpose_text: string;
  data_types: string[];
  consent_start: Date;
  consent_expiry: Date;
  consent_mode: 'VIEW' | 'STORE';
  fetch_type: FetchType;
  frequency_unit: FrequencyUnit | null;
  frequency_value: number | null;
  data_life_unit: DataLifeUnit;
  data_life_value: number;
  status: 'ACTIVE' | 'PAUSED' | 'REVOKED';
  artefact: ConsentArtefact;
  signed_artefact: string;
  use_count: number;
  last_used_at: Date | null;
  created_at: Date;
  status_changed_at: Date;
}

const DAY_MS = 86_400_000;
const KST = '+09:00';
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const PERIOD_SQL = `CASE c.frequency_unit WHEN 'DAY' THEN interval '1 day' WHEN 'WEEK' THEN interval '7 days' WHEN 'MONTH' THEN interval '1 month' ELSE interval '1 year' END`;

function parseInstant(value: string | undefined, endOfDay: boolean): Date | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const text = DATE_ONLY.test(value) ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}${KST}` : value;
  if (!DATE_ONLY.test(value) && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return null;
  // Reject dates that rolled over (2026-02-30).
  if (DATE_ONLY.test(value) && new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 10) !== value) return null;
  return date;
}

function stateOf(row: Pick<ConsentRow, 'status' | 'consent_expiry'>, at = new Date()): ConsentState {
  if (row.status === 'REVOKED') return 'REVOKED';
  if (row.consent_expiry.getTime() <= at.getTime()) return 'EXPIRED';
  return row.status;
}

/** Checks a grant; every problem at once, each naming its field (JSON Pointer into the body). */
export function validateGrant(input: GrantInput, recipient: Subsystem | undefined, now = new Date()): { problems: FieldProblem[]; start: Date | null; expiry: Date | null } {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field: `/body/${field}`, message });
  if (!recipient || recipient.role === 'provider') add('recipient', 'must be a consumer subsystem in the directory');
  if (!(CONSENT_PURPOSE_CODES as readonly string[]).includes(input.purposeCode) || !findPurpose(input.purposeCode)) {
    add('purposeCode', `must be one of ${CONSENT_PURPOSE_CODES.join(', ')}`);
  }
  const text = typeof input.purposeText === 'string' ? input.purposeText.trim() : '';
  if (text.length < 2 || text.length > 500) add('purposeText', 'must be 2–500 characters');
  const types = Array.isArray(input.dataTypes) ? input.dataTypes : [];
  if (types.length === 0) add('dataTypes', 'choose at least one data product');
  else if (types.length > 20 || new Set(types).size !== types.length) add('dataTypes', 'must list each data product once (at most 20)');
  else if (types.some((id) => findDataProduct(id)?.subject !== 'resident')) add('dataTypes', 'must be data products about a resident');
  const start = input.consentStart === undefined || input.consentStart === '' ? new Date(now) : parseInstant(input.consentStart, false);
  const expiry = parseInstant(input.consentExpiry, true);
  if (!start) add('consentStart', 'must be a date (YYYY-MM-DD) or date-time');
  if (!expiry) add('consentExpiry', 'must be a date (YYYY-MM-DD) or date-time');
  if (start && expiry) {
    if (expiry.getTime() <= start.getTime()) add('consentExpiry', 'must be after the start');
    else if (expiry.getTime() <= now.getTime()) add('consentExpiry', 'must be in the future');
    else if (expiry.getTime() - start.getTime() > MAX_VALIDITY_DAYS * DAY_MS) add('consentExpiry', 'must be at most 5 years after the start');
  }
  if (start && start.getTime() < now.getTime() - DAY_MS) add('consentStart', 'must not be in the past');
  if (!(FETCH_TYPES as readonly string[]).includes(input.fetchType)) add('fetchType', 'must be ONETIME or PERIODIC');
  if (input.fetchType === 'PERIODIC') {
    const f = input.frequency;
    if (!f || !(FREQUENCY_UNITS as readonly string[]).includes(f.unit)) add('frequency/unit', `must be one of ${FREQUENCY_UNITS.join(', ')}`);
    if (!f || !Number.isInteger(f.value) || f.value < 1 || f.value > 100) add('frequency/value', 'must be a whole number from 1 to 100');
  }
  const life = input.dataLife;
  if (!life || !(DATA_LIFE_UNITS as readonly string[]).includes(life.unit)) add('dataLife/unit', `must be one of ${DATA_LIFE_UNITS.join(', ')}`);
  if (!life || !Number.isInteger(life.value) || life.value < 0 || life.value > 3650) add('dataLife/value', 'must be a whole number from 0 to 3650');
  return { problems, start, expiry };
}

export class ConsentService {
  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly directory: DirectoryService,
    private readonly keys: PlatformKeys,
  ) {}

  /** Consumer subsystems a resident may name as recipient. */
  async recipients(): Promise<Subsystem[]> {
    return (await this.directory.listSubsystems()).filter((s) => s.role !== 'provider');
  }

  /** Grants a consent for the signed-in resident: stored, signed, audited ('consent.grant'). */
  async grant(context: ConsentContext, input: GrantInput): Promise<Consent> {
    const residentId = this.residentOf(context);
    const recipient = typeof input.recipient === 'string' ? await this.directory.findSubsystem(input.recipient) : undefined;
    const { problems, start, expiry } = validateGrant(input, recipient);
    if (problems.length > 0 || !start || !expiry || !recipient) {
      throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
    }
    const id = `CNS-${randomUUID()}`;
    const now = new Date();
    const fetchType = input.fetchType as FetchType;
    const artefact: ConsentArtefact = {
      ver: '1.0',
      consentId: id,
      timestamp: now.toISOString(),
      consentStart: start.toISOString(),
      consentExpiry: expiry.toISOString(),
      consentMode: input.dataLife.value === 0 ? 'VIEW' : 'STORE',
      fetchType,
      frequency: fetchType === 'PERIODIC' && input.frequency ? { unit: input.frequency.unit as FrequencyUnit, value: input.frequency.value } : null,
      dataTypes: [...input.dataTypes],
      dataConsumer: { id: recipient.id, type: 'SUBSYSTEM' },
      customer: { id: String(residentId) },
      purpose: { code: input.purposeCode, text: input.purposeText.trim() },
      dataLife: { unit: input.dataLife.unit as DataLifeUnit, value: input.dataLife.value },
    };
    const signed = await this.sign(artefact);
    await withTransaction(this.pool, async (tx) => {
      await tx.query(
        `INSERT INTO consent.consents (id, resident_id, recipient_subsystem, purpose_code, purpose_text, data_types, consent_start, consent_expiry,
           consent_mode, fetch_type, frequency_unit, frequency_value, data_life_unit, data_life_value, artefact, signed_artefact, created_at, status_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)`,
        [
          id, residentId, recipient.id, artefact.purpose.code, artefact.purpose.text, artefact.dataTypes, start, expiry,
          artefact.consentMode, fetchType, artefact.frequency?.unit ?? null, artefact.frequency?.value ?? null,
          artefact.dataLife.unit, artefact.dataLife.value, artefact, signed, now,
        ],
      );
      await this.audit.append(tx, this.entry(context, 'consent.grant', 'allowed', residentId, id, { recipient: recipient.id, dataTypes: artefact.dataTypes, purposeCode: artefact.purpose.code }));
    });
    return this.get(context, id, { audited: false });
  }

  /** The signed-in resident's consents, newest first. */
  async list(context: ConsentContext): Promise<Consent[]> {
    const residentId = this.residentOf(context);
    const rows = await this.pool.query<ConsentRow>('SELECT * FROM consent.consents WHERE resident_id = $1 ORDER BY created_at DESC, id', [residentId]);
    const names = await this.names();
    return rows.rows.map((row) => this.toConsent(row, names));
  }

  /** One of the signed-in resident's consents; someone else's answers 404 and is audited as denied. */
  async get(context: ConsentContext, id: string, options: { audited?: boolean } = {}): Promise<Consent> {
    const residentId = this.residentOf(context);
    const row = CONSENT_ID.test(id) ? (await this.pool.query<ConsentRow>('SELECT * FROM consent.consents WHERE id = $1', [id])).rows[0] : undefined;
    if (!row) throw new AppError('NOT_FOUND', `There is no consent ${id}.`);
    if (Number(row.resident_id) !== residentId) {
      if (options.audited !== false) {
        await this.audit.append(this.pool, this.entry(context, 'consent.read', 'denied', Number(row.resident_id), id, { reason: 'not the data subject' }));
      }
      throw new AppError('NOT_FOUND', `There is no consent ${id}.`);
    }
    return this.toConsent(row, await this.names());
  }

  /** Pause (ACTIVE→PAUSED), resume (PAUSED→ACTIVE) or revoke (ACTIVE|PAUSED→REVOKED); audited. */
  async change(context: ConsentContext, id: string, action: ConsentAction): Promise<Consent> {
    const residentId = this.residentOf(context);
    const auditAction = `consent.${action}`;
    const outcome = await withTransaction(this.pool, async (tx): Promise<AppError | null> => {
      const row = CONSENT_ID.test(id) ? (await tx.query<ConsentRow>('SELECT * FROM consent.consents WHERE id = $1 FOR UPDATE', [id])).rows[0] : undefined;
      if (!row) return new AppError('NOT_FOUND', `There is no consent ${id}.`);
      if (Number(row.resident_id) !== residentId) {
        await this.audit.append(tx, this.entry(context, auditAction, 'denied', Number(row.resident_id), id, { reason: 'not the data subject' }));
        return new AppError('NOT_FOUND', `There is no consent ${id}.`);
      }
      const state = stateOf(row);
      const from: Record<ConsentAction, ConsentState[]> = { pause: ['ACTIVE'], resume: ['PAUSED'], revoke: ['ACTIVE', 'PAUSED'] };
      if (!from[action].includes(state)) {
        await this.audit.append(tx, this.entry(context, auditAction, 'denied', residentId, id, { reason: `the consent is ${state}`, state }));
        return new AppError('CONFLICT', `A consent that is ${state} cannot be ${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'revoked'}.`);
      }
      const next = action === 'pause' ? 'PAUSED' : action === 'resume' ? 'ACTIVE' : 'REVOKED';
      await tx.query('UPDATE consent.consents SET status = $2, status_changed_at = now() WHERE id = $1', [id, next]);
      await this.audit.append(tx, this.entry(context, auditAction, 'allowed', residentId, id, { from: state, to: next, recipient: row.recipient_subsystem }));
      return null;
    });
    if (outcome) throw outcome;
    return this.get(context, id, { audited: false });
  }

  /**
   * Public verification: checks the stored artefact's JWS (or a presented one) against the
   * platform's JWKS and reports the consent's current state. The decoded artefact is returned only
   * for a presented JWS (whoever holds it has read it already); for the stored one, only the verdict.
   */
  async verification(id: string, jws?: string): Promise<ConsentVerification> {
    const row = CONSENT_ID.test(id)
      ? (await this.pool.query<Pick<ConsentRow, 'status' | 'consent_expiry' | 'signed_artefact'>>('SELECT status, consent_expiry, signed_artefact FROM consent.consents WHERE id = $1', [id])).rows[0]
      : undefined;
    if (!row) throw new AppError('NOT_FOUND', `There is no consent ${id}.`);
    const checked = await verifyConsentArtefact(jws ?? row.signed_artefact, this.keys.jwks() as unknown as JSONWebKeySet);
    const sameConsent = checked.artefact?.consentId === id;
    return {
      consentId: id,
      signatureValid: checked.valid && sameConsent,
      kid: checked.kid,
      state: stateOf(row),
      // The artefact names the resident: it is echoed only to a caller who presented it.
      artefact: jws ? checked.artefact : null,
      reason: checked.reason ?? (sameConsent ? null : 'the artefact is for another consent'),
    };
  }

  /**
   * The consent that lets `recipientSubsystem` fetch `productId` about `residentId` now (or at
   * `at`): ACTIVE, within its validity, not used up (one-time: never used; periodic: fewer uses in
   * the last period than its frequency allows), and for `purposeCode` when one is given. Locks the
   * row when `db` is a transaction, so two concurrent reads cannot both spend a one-time consent.
   */
  async findActiveConsent(
    db: Queryable,
    query: { residentId: number; recipientSubsystem: string; productId: string; purposeCode?: string; at?: Date },
  ): Promise<ActiveConsent | null> {
    const at = query.at ?? new Date();
    const result = await db.query<ConsentRow>(
      `SELECT c.* FROM consent.consents c
        WHERE c.resident_id = $1 AND c.recipient_subsystem = $2 AND $3 = ANY (c.data_types)
          AND c.status = 'ACTIVE' AND c.consent_start <= $4 AND c.consent_expiry > $4
          AND ($5::text IS NULL OR c.purpose_code = $5)
          AND (CASE WHEN c.fetch_type = 'ONETIME' THEN c.use_count = 0
                    ELSE (SELECT count(*) FROM consent.uses u WHERE u.consent_id = c.id AND u.used_at > $4::timestamptz - ${PERIOD_SQL}) < c.frequency_value END)
        ORDER BY c.created_at DESC, c.id LIMIT 1 FOR UPDATE`,
      [query.residentId, query.recipientSubsystem, query.productId, at, query.purposeCode ?? null],
    );
    const row = result.rows[0];
    if (!row) return null;
    return {
      id: row.id,
      residentId: Number(row.resident_id),
      recipient: row.recipient_subsystem,
      dataTypes: row.data_types,
      purposeCode: row.purpose_code,
      purposeText: row.purpose_text,
      fetchType: row.fetch_type,
    };
  }

  /** Whether the resident ever consented to this recipient for this product (for a clearer refusal). */
  async anyConsent(db: Queryable, query: { residentId: number; recipientSubsystem: string; productId: string }): Promise<boolean> {
    const result = await db.query(
      'SELECT 1 FROM consent.consents WHERE resident_id = $1 AND recipient_subsystem = $2 AND $3 = ANY (data_types) LIMIT 1',
      [query.residentId, query.recipientSubsystem, query.productId],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Counts one use (use count, last use, the use itself); call in the exchange read's transaction. */
  async recordUse(db: Queryable, consentId: string, productId = ''): Promise<void> {
    await db.query('UPDATE consent.consents SET use_count = use_count + 1, last_used_at = now() WHERE id = $1', [consentId]);
    await db.query('INSERT INTO consent.uses (consent_id, product_id) VALUES ($1, $2)', [consentId, productId]);
  }

  private sign(artefact: ConsentArtefact): Promise<string> {
    return this.keys.signCompact(new TextEncoder().encode(JSON.stringify(artefact)), { typ: 'consent-artefact+jws', cty: 'application/json' });
  }

  private residentOf(context: ConsentContext): number {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (principal.role !== 'resident' || principal.residentId === null) throw new AppError('FORBIDDEN', 'Only residents give and manage their own consents.');
    return principal.residentId;
  }

  private async names(): Promise<Map<string, { ko: string; en: string }>> {
    return new Map((await this.directory.listSubsystems()).map((s) => [s.id, s.name]));
  }

  private toConsent(row: ConsentRow, names: Map<string, { ko: string; en: string }>): Consent {
    return {
      id: row.id,
      residentId: Number(row.resident_id),
      state: stateOf(row),
      recipient: row.recipient_subsystem,
      recipientName: names.get(row.recipient_subsystem) ?? null,
      purpose: { code: row.purpose_code, text: row.purpose_text },
      dataTypes: row.data_types,
      consentStart: row.consent_start.toISOString(),
      consentExpiry: row.consent_expiry.toISOString(),
      consentMode: row.consent_mode,
      fetchType: row.fetch_type,
      frequency: row.frequency_unit && row.frequency_value ? { unit: row.frequency_unit, value: row.frequency_value } : null,
      dataLife: { unit: row.data_life_unit, value: row.data_life_value },
      useCount: row.use_count,
      lastUsedAt: row.last_used_at?.toISOString() ?? null,
      usedUp: row.fetch_type === 'ONETIME' && row.use_count > 0,
      createdAt: row.created_at.toISOString(),
      statusChangedAt: row.status_changed_at.toISOString(),
      artefact: row.artefact,
      signedConsent: row.signed_artefact,
    };
  }

  private entry(context: ConsentContext, action: string, outcome: 'allowed' | 'denied', subject: number, consentId: string, details: Record<string, unknown>): AuditEntry {
    return {
      actor: context.actor,
      action,
      purpose: 'Managing a MyData consent of the data subject',
      resource: `consents/${consentId}`,
      outcome,
      subjectResidentId: subject,
      requestId: context.requestId,
      details: { consentId, ...details },
    };
  }
}

/** Verifies a consent artefact JWS with a JWKS; decodes the artefact when the signature holds. */
export async function verifyConsentArtefact(
  jws: string,
  jwks: JSONWebKeySet,
): Promise<{ valid: boolean; kid: string | null; artefact: ConsentArtefact | null; reason: string | null }> {
  try {
    const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
    const artefact = JSON.parse(new TextDecoder().decode(payload)) as ConsentArtefact;
    return { valid: true, kid: protectedHeader.kid ?? null, artefact, reason: null };
  } catch (error) {
    return { valid: false, kid: null, artefact: null, reason: `the signature does not verify (${(error as Error).message})` };
  }
}
