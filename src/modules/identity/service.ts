// The identity module owns accounts, sessions, sign-in through federated authenticators, and
// residents' contact details. It is the platform's SessionStore: the core auth hook asks it who
// a session cookie belongs to. Sign-ins, sign-outs and contact changes are audited.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool, Queryable } from '../../core/db';
import { withTransaction } from '../../core/db';
import type { AuditActor, AuditLog } from '../../core/audit';
import type { Principal, Role, SessionStore } from '../../core/auth';
import { AppError } from '../../core/errors';
import type { RegistryService } from '../registry/service';
import { AUTHENTICATORS, type SimulatedAuthenticators, verifyAssertion } from './authenticators';

const SIGN_IN_ATTEMPT_MINUTES = 10;

export interface StaffAccount {
  staffId: string;
  role: Exclude<Role, 'resident'>;
  agencyCode: string;
  name: { ko: string; en: string };
}

/** Demo government staff: officials of the agencies in the exchange, the operator, an auditor (synthetic people). */
export const DEMO_STAFF: readonly StaffAccount[] = [
  { staffId: 'MOHW-0001', role: 'official', agencyCode: 'MOHW', name: { ko: '복지부 담당관 한지민', en: 'Han Jimin, Ministry of Health and Welfare' } },
  { staffId: 'NTS-0001', role: 'official', agencyCode: 'NTS', name: { ko: '국세청 조사관 오세훈', en: 'Oh Sehun, National Tax Service' } },
  // Officials of the other agencies in the exchange directory: data holders decide on access agreements.
  { staffId: 'MOIS-0001', role: 'official', agencyCode: 'MOIS', name: { ko: '행안부 주무관 김도윤', en: 'Kim Doyun, Ministry of the Interior and Safety' } },
  { staffId: 'SCOURT-0001', role: 'official', agencyCode: 'SCOURT', name: { ko: '법원행정처 사무관 이수아', en: 'Lee Sua, National Court Administration' } },
  { staffId: 'MOLIT-0001', role: 'official', agencyCode: 'MOLIT', name: { ko: '국토부 주무관 박준서', en: 'Park Junseo, Ministry of Land, Infrastructure and Transport' } },
  { staffId: 'MOEL-0001', role: 'official', agencyCode: 'MOEL', name: { ko: '고용부 주무관 최하은', en: 'Choi Haeun, Ministry of Employment and Labor' } },
  // Officials who process one-stop application cases (src/modules/applications) of their agency.
  { staffId: 'KDCA-0001', role: 'official', agencyCode: 'KDCA', name: { ko: '질병관리청 주무관 정하린', en: 'Jung Harin, Korea Disease Control and Prevention Agency' } },
  { staffId: 'LOCAL-0001', role: 'official', agencyCode: 'LOCAL', name: { ko: '시·군·구 주무관 윤서진', en: 'Yoon Seojin, local government' } },
  { staffId: 'MOIS-OPS-01', role: 'operator', agencyCode: 'MOIS', name: { ko: '플랫폼 운영자 서유진', en: 'Seo Yujin, platform operator' } },
  { staffId: 'BAI-AUD-01', role: 'auditor', agencyCode: 'BAI', name: { ko: '감사원 감사관 문태호', en: 'Moon Taeho, Board of Audit and Inspection' } },
];

export interface ContactDetails {
  email: string | null;
  phone: string | null;
  updatedAt: string | null;
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export class IdentityService implements SessionStore {
  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly registry: RegistryService,
    private readonly authenticators: SimulatedAuthenticators,
    private readonly options: { sessionTtlMinutes: number },
  ) {}

  async seedDemoStaff(): Promise<void> {
    for (const staff of DEMO_STAFF) {
      await this.pool.query(
        `INSERT INTO identity.accounts (id, role, staff_id, agency_code, display_name_ko, display_name_en)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, agency_code = EXCLUDED.agency_code,
           display_name_ko = EXCLUDED.display_name_ko, display_name_en = EXCLUDED.display_name_en`,
        [`staff-${staff.staffId}`, staff.role, staff.staffId, staff.agencyCode, staff.name.ko, staff.name.en],
      );
    }
  }

  /** Starts a sign-in: remembers state and nonce for this browser, returns where to send it. */
  async startSignIn(authenticatorId: string, returnTo: string): Promise<{ state: string; redirectTo: string }> {
    if (!AUTHENTICATORS.some((a) => a.id === authenticatorId)) {
      throw new AppError('VALIDATION_FAILED', 'Unknown authenticator', [{ field: '/body/authenticator', message: 'is not a known authenticator' }]);
    }
    const state = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    await this.pool.query(
      `INSERT INTO identity.sign_in_attempts (state, nonce, authenticator, return_to, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))`,
      [state, nonce, authenticatorId, safeReturnTo(returnTo), SIGN_IN_ATTEMPT_MINUTES],
    );
    const query = new URLSearchParams({ state, nonce, redirect_uri: '/sign-in/callback' });
    return { state, redirectTo: `/simulated-authenticators/${authenticatorId}/authorize?${query}` };
  }

  /**
   * Completes a sign-in from the authenticator's assertion. The state must be the one this
   * browser started (its cookie), unused and unexpired; the assertion must verify against the
   * authenticator's trusted key and carry the nonce we sent.
   */
  async completeSignIn(input: {
    state: string;
    browserState: string | undefined;
    assertion: string;
    requestId: string;
  }): Promise<{ sessionToken: string; returnTo: string; principal: Principal }> {
    return withTransaction(this.pool, async (tx) => {
      const attempt = await tx.query<{ nonce: string; authenticator: string; return_to: string }>(
        `UPDATE identity.sign_in_attempts SET used_at = now()
          WHERE state = $1 AND used_at IS NULL AND expires_at > now()
          RETURNING nonce, authenticator, return_to`,
        [input.state],
      );
      const row = attempt.rows[0];
      const deny = async (reason: string, authenticator = 'unknown') => {
        await this.audit.append(this.pool, {
          actor: { id: 'anonymous', role: 'anonymous' },
          action: 'identity.sign-in',
          purpose: 'authentication',
          resource: `identity/authenticators/${authenticator}`,
          outcome: 'denied',
          requestId: input.requestId,
          details: { reason },
        });
        return new AppError('AUTHENTICATION_FAILED', reason);
      };
      if (!row || input.browserState !== input.state) throw await deny('sign-in attempt unknown, expired, reused or from another browser');
      const key = this.authenticators.trustedKey(row.authenticator);
      let claims;
      try {
        claims = await verifyAssertion(input.assertion, row.authenticator, key!, row.nonce);
      } catch {
        throw await deny('assertion signature, audience, lifetime or nonce invalid', row.authenticator);
      }
      // Private certificates vouch for residents only, GPKI for government staff only.
      const audience = AUTHENTICATORS.find((a) => a.id === row.authenticator)?.audience;
      const account =
        audience === 'residents' && claims.rrn
          ? await this.residentAccount(tx, claims.rrn)
          : audience === 'staff' && claims.staff_id
            ? await this.staffAccount(tx, claims.staff_id)
            : undefined;
      if (!account) throw await deny('no account for the person the authenticator named', row.authenticator);

      const sessionToken = randomBytes(32).toString('base64url');
      await tx.query(
        `INSERT INTO identity.sessions (token_hash, account_id, authenticator, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(mins => $4))`,
        [hashToken(sessionToken), account.accountId, row.authenticator, this.options.sessionTtlMinutes],
      );
      const principal: Principal = { ...account, sessionId: hashToken(sessionToken).toString('hex').slice(0, 16) };
      await this.audit.append(tx, {
        actor: { id: principal.accountId, role: principal.role, org: principal.agencyCode },
        action: 'identity.sign-in',
        purpose: 'authentication',
        resource: `identity/authenticators/${row.authenticator}`,
        subjectResidentId: principal.residentId,
        outcome: 'allowed',
        requestId: input.requestId,
      });
      return { sessionToken, returnTo: row.return_to, principal };
    });
  }

  private async residentAccount(tx: Queryable, rrn: string): Promise<Omit<Principal, 'sessionId'> | undefined> {
    const residentId = await this.registry.findResidentIdByRrn(rrn);
    if (residentId === undefined) return undefined;
    const name = await this.registry.residentName(residentId);
    if (!name) return undefined;
    const accountId = `resident-${residentId}`;
    await tx.query(
      `INSERT INTO identity.accounts (id, role, resident_id, display_name_ko, display_name_en)
       VALUES ($1, 'resident', $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET display_name_ko = EXCLUDED.display_name_ko, display_name_en = EXCLUDED.display_name_en`,
      [accountId, residentId, name.ko, name.en],
    );
    return { accountId, role: 'resident', residentId, agencyCode: null, displayName: name };
  }

  private async staffAccount(tx: Queryable, staffId: string): Promise<Omit<Principal, 'sessionId'> | undefined> {
    const result = await tx.query<{ id: string; role: Role; agency_code: string; display_name_ko: string; display_name_en: string }>(
      'SELECT id, role, agency_code, display_name_ko, display_name_en FROM identity.accounts WHERE staff_id = $1',
      [staffId],
    );
    const row = result.rows[0];
    return (
      row && {
        accountId: row.id,
        role: row.role,
        residentId: null,
        agencyCode: row.agency_code,
        displayName: { ko: row.display_name_ko, en: row.display_name_en },
      }
    );
  }

  async resolve(sessionToken: string): Promise<Principal | null> {
    if (sessionToken.length > 100) return null;
    const result = await this.pool.query<{
      id: string;
      role: Role;
      resident_id: number | null;
      agency_code: string | null;
      display_name_ko: string;
      display_name_en: string;
    }>(
      `SELECT a.id, a.role, a.resident_id, a.agency_code, a.display_name_ko, a.display_name_en
         FROM identity.sessions s JOIN identity.accounts a ON a.id = s.account_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
      [hashToken(sessionToken)],
    );
    const row = result.rows[0];
    if (!row) return null;
    return {
      accountId: row.id,
      sessionId: hashToken(sessionToken).toString('hex').slice(0, 16),
      role: row.role,
      residentId: row.resident_id,
      agencyCode: row.agency_code,
      displayName: { ko: row.display_name_ko, en: row.display_name_en },
    };
  }

  async signOut(sessionToken: string, actor: AuditActor, requestId: string): Promise<void> {
    await withTransaction(this.pool, async (tx) => {
      const revoked = await tx.query('UPDATE identity.sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
        hashToken(sessionToken),
      ]);
      if (revoked.rowCount) {
        await this.audit.append(tx, {
          actor,
          action: 'identity.sign-out',
          purpose: 'authentication',
          resource: 'identity/sessions',
          outcome: 'allowed',
          requestId,
        });
      }
    });
  }

  /** The signed-in person's contact details; the read is audited like any read of personal data. */
  async contactDetails(principal: Principal, actor: AuditActor, requestId: string): Promise<ContactDetails> {
    return withTransaction(this.pool, async (tx) => {
      const result = await tx.query<{ email: string | null; phone: string | null; updated_at: Date }>(
        'SELECT email, phone, updated_at FROM identity.contact_details WHERE account_id = $1',
        [principal.accountId],
      );
      await this.audit.append(tx, {
        actor,
        action: 'identity.contact-details.read',
        purpose: 'self-service: view own contact details',
        resource: `identity/accounts/${principal.accountId}/contact-details`,
        subjectResidentId: principal.residentId,
        outcome: 'allowed',
        requestId,
      });
      const row = result.rows[0];
      return { email: row?.email ?? null, phone: row?.phone ?? null, updatedAt: row ? row.updated_at.toISOString() : null };
    });
  }

  /**
   * Where residents can be reached, for a platform service acting for them (e.g. notifications
   * choosing email and SMS): one statement for many residents. Read in the caller's transaction
   * and audited there, one entry per resident, as a read of their personal data by that service.
   * A resident without an account or details is absent from the answer.
   */
  async residentsContactDetails(
    db: Queryable,
    reads: ReadonlyArray<{ residentId: number; requestId?: string | null }>,
    access: { actor: AuditActor; purpose: string },
  ): Promise<Map<number, ContactDetails>> {
    const found = new Map<number, ContactDetails>();
    if (reads.length === 0) return found;
    const result = await db.query<{ resident_id: number; email: string | null; phone: string | null; updated_at: Date }>(
      `SELECT a.resident_id, c.email, c.phone, c.updated_at FROM identity.contact_details c
         JOIN identity.accounts a ON a.id = c.account_id WHERE a.resident_id = ANY ($1::bigint[])`,
      [[...new Set(reads.map((r) => r.residentId))]],
    );
    for (const row of result.rows) {
      found.set(Number(row.resident_id), { email: row.email, phone: row.phone, updatedAt: row.updated_at.toISOString() });
    }
    const audited = new Set<number>();
    await this.audit.appendMany(
      db,
      reads
        .filter((r) => !audited.has(r.residentId) && audited.add(r.residentId))
        .map((r) => ({
          actor: access.actor,
          action: 'identity.contact-details.read',
          purpose: access.purpose,
          resource: `identity/accounts/resident-${r.residentId}/contact-details`,
          subjectResidentId: r.residentId,
          outcome: 'allowed' as const,
          requestId: r.requestId ?? null,
          details: { found: found.has(r.residentId) },
        })),
    );
    return found;
  }

  /** Changes the signed-in person's contact details; the change and its audit entry commit together. */
  async updateContactDetails(
    principal: Principal,
    actor: AuditActor,
    requestId: string,
    details: { email: string | null; phone: string | null },
  ): Promise<ContactDetails> {
    return withTransaction(this.pool, async (tx) => {
      const result = await tx.query<{ email: string | null; phone: string | null; updated_at: Date }>(
        `INSERT INTO identity.contact_details (account_id, email, phone, updated_at) VALUES ($1, $2, $3, now())
         ON CONFLICT (account_id) DO UPDATE SET email = EXCLUDED.email, phone = EXCLUDED.phone, updated_at = now()
         RETURNING email, phone, updated_at`,
        [principal.accountId, details.email, details.phone],
      );
      await this.audit.append(tx, {
        actor,
        action: 'identity.contact-details.update',
        purpose: 'self-service: keep contact details current',
        resource: `identity/accounts/${principal.accountId}/contact-details`,
        subjectResidentId: principal.residentId,
        outcome: 'allowed',
        requestId,
      });
      const row = result.rows[0]!;
      return { email: row.email, phone: row.phone, updatedAt: row.updated_at.toISOString() };
    });
  }
}

/** Only a path on this site may follow sign-in (no open redirect). */
export function safeReturnTo(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/me';
  return value.slice(0, 500);
}
