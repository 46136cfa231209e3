// The Mobile ID module (issue 5, part 2; Postgres schema `mobile_id`) owns the Mobile Resident
// Registration Card (review ch. 6 Box 6.6): issuance to a device key as an SD-JWT VC signed by the
// platform for MOIS, verifiers' one-time requests, online verification with selective disclosure,
// instant revocation ("report lost"), the Token Status List, and the portal's simulated phones.
//
// Decisions:
// - Format: SD-JWT VC (typ dc+sd-jwt, RFC 9901 + draft-ietf-oauth-sd-jwt-vc), EdDSA with the
//   platform key (kid in /.well-known/jwks.json), each attribute its own salted disclosure,
//   `cnf.jwk` the device key, `status.status_list` → GET /api/v1/mobile-id/status-list.
// - Verification reads the card's row in the database on every check, in the transaction that
//   uses up the request and writes the audit entry, so a card reported lost fails on the very
//   next verification: there is no cache to go stale. (The status list is for offline verifiers;
//   they see a revocation when they next fetch it, within its `ttl`.)
// - A request answers once: the first presentation sent for it uses it up, accepted or not.
//   A replayed presentation therefore always fails (409), and a nonce cannot be tried twice.
// - One card per resident: issuing to a new phone revokes the previous card ('replaced').
// - Every issuance, verification (a read of the resident's data, shown in "who used my data") and
//   revocation is audited in the transaction that does it; refused verifications too.
import { randomBytes, randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { AuditActor, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import { withTransaction, type Pool, type Tx } from '../../core/db';
import { AppError, type ErrorCode } from '../../core/errors';
import type { PlatformKeys } from '../../core/keys';
import { koreanDate } from '../../core/period';
import type { RegistryService } from '../registry/service';
import { provinceByCode } from '../registry/population/regions';
import { ageOn, isMobileIdAttribute, MOBILE_ID_ATTRIBUTES, nextAgeChange, type MobileIdAttribute, type MobileIdClaims } from './attributes';
import { MobileIdHolder, type HolderState } from './holder';
import { createDisclosure, decodeDisclosure, KB_JWT_TYP, SD_ALG, SD_JWT_VC_TYP, sdDigest, SdJwtFormatError, splitSdJwt } from './sd-jwt';

/** The credential type (SD-JWT VC `vct`). */
export const MOBILE_ID_VCT = 'urn:oncegov:credential:mobile-resident-registration-card:1';
export const MOBILE_ID_ID_PATTERN = '^MID-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
export const VERIFICATION_REQUEST_ID_PATTERN = '^MVR-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
export const REVOCATION_REASONS = ['lost', 'stolen', 'other'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number] | 'replaced';

export const AUDIT_ACTIONS = {
  issue: 'mobile-id.issue',
  revoke: 'mobile-id.revoke',
  verify: 'mobile-id.verify',
  list: 'mobile-id.list',
} as const;

const DEFAULT_VALIDITY_DAYS = 3 * 365;
const REQUEST_TTL_SECONDS = 300;
/** How old a Key-Binding JWT may be, and how far ahead of our clock, in seconds. */
const KB_MAX_AGE_SECONDS = 300;
const KB_MAX_SKEW_SECONDS = 60;
const STATUS_LIST_TTL_SECONDS = 60;

export interface MobileIdContext {
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
}

export interface MobileIdSummary {
  id: string;
  status: 'VALID' | 'REVOKED' | 'EXPIRED';
  statusIndex: number;
  deviceThumbprint: string;
  deviceLabel: string | null;
  issuedAt: string;
  expiresAt: string;
  revokedAt: string | null;
  revocationReason: RevocationReason | null;
  simulatedDevice: boolean;
}

export interface IssuedMobileId {
  summary: MobileIdSummary;
  /** The SD-JWT VC with every disclosure; only the device should keep it. */
  credential: string;
  /** The card this one replaced (now revoked), if any. */
  replaced: string | null;
}

export interface VerificationRequestView {
  id: string;
  nonce: string;
  audience: string;
  verifierName: string;
  attributes: MobileIdAttribute[];
  createdAt: string;
  expiresAt: string;
  used: boolean;
  outcome: 'valid' | 'rejected' | null;
}

export interface VerificationResult {
  valid: true;
  requestId: string;
  verifierName: string;
  /** Exactly the requested attributes, as disclosed; nothing else. */
  attributes: Partial<Record<MobileIdAttribute, unknown>>;
  issuer: string;
  issuedAt: string;
  expiresAt: string;
  checkedAt: string;
}

export interface MobileIdOptions {
  /** The `iss` of every card and the base of the status list URI (config.publicBaseUrl). */
  issuer: string;
  validityDays?: number;
  /** Milliseconds since the epoch; tests move it to make expired cards. */
  now?: () => number;
}

interface CredentialRow {
  id: string;
  resident_id: number;
  status_index: number;
  device_thumbprint: string;
  device_label: string | null;
  issued_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
  simulated: boolean;
}

interface RequestRow {
  id: string;
  nonce: string;
  audience: string;
  verifier_name: string;
  attributes: string[];
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  outcome: 'valid' | 'rejected' | null;
}

/** The card's columns a verification needs, joined onto its request. */
interface CardColumns {
  card_id: string | null;
  card_resident_id: number | null;
  card_thumbprint: string | null;
  card_expires_at: Date | null;
  card_revoked_at: Date | null;
  card_revocation_reason: RevocationReason | null;
}

type Card = Pick<CredentialRow, 'id' | 'resident_id' | 'device_thumbprint' | 'expires_at' | 'revoked_at' | 'revocation_reason'>;

/** What the cryptographic checks found before the database is asked. */
type Checked =
  | { ok: true; statusIndex: number; thumbprint: string; disclosed: Map<string, unknown>; nonce: unknown; audience: unknown; payload: JWTPayload }
  | { ok: false; error: AppError; statusIndex: number | null };

const CREDENTIAL_COLUMNS = `c.id, c.resident_id, c.status_index, c.device_thumbprint, c.device_label, c.issued_at, c.expires_at, c.revoked_at, c.revocation_reason,
  EXISTS (SELECT 1 FROM mobile_id.simulated_devices d WHERE d.credential_id = c.id) AS simulated`;

function refuse(code: ErrorCode, detail: string): AppError {
  return new AppError(code, detail);
}

export class MobileIdService {
  private readonly issuer: string;
  private readonly validityDays: number;
  private readonly now: () => number;
  private readonly issuerKeys = new Map<string, Promise<CryptoKey>>();

  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly registry: RegistryService,
    private readonly keys: PlatformKeys,
    options: MobileIdOptions,
  ) {
    this.issuer = options.issuer.replace(/\/+$/, '');
    this.validityDays = options.validityDays ?? DEFAULT_VALIDITY_DAYS;
    this.now = options.now ?? Date.now;
  }

  get statusListUri(): string {
    return `${this.issuer}/api/v1/mobile-id/status-list`;
  }

  /**
   * Issues the signed-in resident a Mobile ID bound to `devicePublicJwk` (an Ed25519 public JWK).
   * A card already in use is revoked as 'replaced' in the same transaction.
   */
  async issue(context: MobileIdContext, input: { devicePublicJwk: unknown; deviceLabel?: string | null }): Promise<IssuedMobileId> {
    return this.issueWith(context, input);
  }

  /** Issues a card to a new SIMULATED phone kept server-side (the demo portal's /me/mobile-id). */
  async issueToSimulatedDevice(context: MobileIdContext, deviceLabel: string | null): Promise<IssuedMobileId> {
    const device = await MobileIdHolder.create();
    return this.issueWith(context, { devicePublicJwk: device.publicJwk, deviceLabel }, async (tx, issued) => {
      await device.store(issued.credential);
      await tx.query('INSERT INTO mobile_id.simulated_devices (credential_id, resident_id, holder_state) VALUES ($1, $2, $3)', [
        issued.summary.id,
        context.principal!.residentId,
        device.state(),
      ]);
    });
  }

  private async issueWith(
    context: MobileIdContext,
    input: { devicePublicJwk: unknown; deviceLabel?: string | null },
    alongside?: (tx: Tx, issued: IssuedMobileId) => Promise<void>,
  ): Promise<IssuedMobileId> {
    const residentId = residentOf(context);
    const deviceJwk = await deviceKeyFrom(input.devicePublicJwk);
    const label = input.deviceLabel?.trim() || null;
    if (label && label.length > 100) throw new AppError('VALIDATION_FAILED', 'The device label is too long.', [{ field: '/body/deviceLabel', message: 'at most 100 characters' }]);
    // The resident's own record, read (and audited) through the registry's service.
    const record = await this.registry.readResidentRecord(context, residentId);
    const nowMs = this.now();
    const today = koreanDate(nowMs);
    const claims: MobileIdClaims = {
      name: record.nameKo,
      name_romanized: record.nameRomanized,
      birthdate: record.birthDate,
      age_over_19: ageOn(record.birthDate, today) >= 19,
      age_over_65: ageOn(record.birthDate, today) >= 65,
      address: { formatted: record.address.ko, formatted_en: record.address.en, postal_code: record.address.postalCode },
      region: {
        code: record.address.regionCode,
        name_ko: provinceByCode(record.address.regionCode)?.nameKo ?? record.address.regionCode,
        name_en: provinceByCode(record.address.regionCode)?.nameEn ?? record.address.regionCode,
      },
    };
    const issuedAt = Math.floor(nowMs / 1000);
    const flip = nextAgeChange(record.birthDate, today);
    // The card ends when an age attribute would change (midnight in Korea), or after its validity.
    const expiresAt = Math.min(issuedAt + this.validityDays * 86_400, flip ? Math.floor(Date.parse(`${flip}T00:00:00+09:00`) / 1000) : Infinity);
    const thumbprint = await calculateJwkThumbprint(deviceJwk, 'sha256');
    const id = `MID-${randomUUID()}`;

    try {
      return await withTransaction(this.pool, async (tx) => {
        const previous = await tx.query<{ id: string }>(
          `UPDATE mobile_id.credentials SET revoked_at = to_timestamp($2::float8 / 1000), revocation_reason = 'replaced'
            WHERE resident_id = $1 AND revoked_at IS NULL RETURNING id`,
          [residentId, nowMs],
        );
        const inserted = await tx.query<CredentialRow>(
          `INSERT INTO mobile_id.credentials AS c (id, resident_id, device_thumbprint, device_label, issued_at, expires_at)
           VALUES ($1, $2, $3, $4, to_timestamp($5), to_timestamp($6)) RETURNING ${CREDENTIAL_COLUMNS}`,
          [id, residentId, thumbprint, label, issuedAt, expiresAt],
        );
        const row = inserted.rows[0]!;
        const credential = await this.sign(claims, deviceJwk, row.status_index, issuedAt, expiresAt);
        const replaced = previous.rows[0]?.id ?? null;
        const base = { actor: context.actor, subjectResidentId: residentId, requestId: context.requestId, outcome: 'allowed' as const };
        if (replaced) {
          await this.audit.append(tx, { ...base, action: AUDIT_ACTIONS.revoke, purpose: 'Mobile ID replaced by a card on a new device', resource: `mobile-id/${replaced}`, details: { reason: 'replaced', replacedBy: id } });
        }
        await this.audit.append(tx, {
          ...base,
          action: AUDIT_ACTIONS.issue,
          purpose: 'issue the Mobile Resident Registration Card to the resident\'s device',
          resource: `mobile-id/${id}`,
          details: { deviceThumbprint: thumbprint, statusIndex: row.status_index, expiresAt: new Date(expiresAt * 1000).toISOString(), fields: [...MOBILE_ID_ATTRIBUTES], replaced },
        });
        const issued: IssuedMobileId = { summary: toSummary(row, nowMs), credential, replaced };
        if (alongside) {
          await alongside(tx, issued);
          issued.summary.simulatedDevice = true;
        }
        return issued;
      });
    } catch (error) {
      // Two issuances for one resident at the same moment: the unique index lets one through.
      if ((error as { code?: string }).code === '23505') throw new AppError('CONFLICT', 'Another Mobile ID was being issued at the same time; try again.');
      throw error;
    }
  }

  private async sign(claims: MobileIdClaims, deviceJwk: JWK, statusIndex: number, issuedAt: number, expiresAt: number): Promise<string> {
    const disclosures = MOBILE_ID_ATTRIBUTES.map((name) => createDisclosure(name, claims[name]));
    const payload = {
      iss: this.issuer,
      iat: issuedAt,
      nbf: issuedAt,
      exp: expiresAt,
      vct: MOBILE_ID_VCT,
      // Sorted, so the order of the digests says nothing about which claim is which.
      _sd: disclosures.map((d) => d.digest).sort(),
      _sd_alg: SD_ALG,
      cnf: { jwk: deviceJwk },
      status: { status_list: { idx: statusIndex, uri: this.statusListUri } },
    };
    const jwt = await this.keys.signCompact(Buffer.from(JSON.stringify(payload), 'utf8'), { typ: SD_JWT_VC_TYP });
    return `${[jwt, ...disclosures.map((d) => d.encoded)].join('~')}~`;
  }

  /** The signed-in resident's cards, newest first (audited: it is about their identity card). */
  async list(context: MobileIdContext): Promise<MobileIdSummary[]> {
    const residentId = residentOf(context);
    return withTransaction(this.pool, async (tx) => {
      const rows = await tx.query<CredentialRow>(`SELECT ${CREDENTIAL_COLUMNS} FROM mobile_id.credentials c WHERE c.resident_id = $1 ORDER BY c.issued_at DESC, c.status_index DESC`, [residentId]);
      await this.audit.append(tx, {
        actor: context.actor,
        action: AUDIT_ACTIONS.list,
        purpose: 'self-service: view own Mobile ID',
        resource: `mobile-id/residents/${residentId}`,
        subjectResidentId: residentId,
        outcome: 'allowed',
        requestId: context.requestId,
      });
      const now = this.now();
      return rows.rows.map((row) => toSummary(row, now));
    });
  }

  /**
   * Revokes a card at once ("report lost"): its owner, or an operator (MOIS, e.g. at a local
   * office). Someone else's card answers 404, audited as denied. Revoking a revoked card changes
   * nothing and answers it as it is.
   */
  async revoke(context: MobileIdContext, id: string, reason: RevocationReason = 'lost'): Promise<MobileIdSummary> {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    const result = await withTransaction(this.pool, async (tx) => {
      const found = await tx.query<CredentialRow>(`SELECT ${CREDENTIAL_COLUMNS} FROM mobile_id.credentials c WHERE c.id = $1 FOR UPDATE`, [id]);
      const row = found.rows[0];
      const allowed = row && (principal.role === 'operator' || (principal.role === 'resident' && principal.residentId === row.resident_id));
      const entry = {
        actor: context.actor,
        action: AUDIT_ACTIONS.revoke,
        resource: `mobile-id/${id}`,
        subjectResidentId: row?.resident_id ?? null,
        requestId: context.requestId,
      };
      if (!row || !allowed) {
        return { denied: { ...entry, purpose: 'not permitted: Mobile ID of another person or unknown', outcome: 'denied' as const } };
      }
      if (row.revoked_at) return { summary: toSummary(row, this.now()) };
      const updated = await tx.query<CredentialRow>(
        `UPDATE mobile_id.credentials c SET revoked_at = to_timestamp($2::float8 / 1000), revocation_reason = $3 WHERE c.id = $1 RETURNING ${CREDENTIAL_COLUMNS}`,
        [id, this.now(), reason],
      );
      await this.audit.append(tx, {
        ...entry,
        purpose: principal.role === 'resident' ? 'the resident reported the Mobile ID lost' : 'an operator revoked the Mobile ID',
        outcome: 'allowed',
        details: { reason },
      });
      return { summary: toSummary(updated.rows[0]!, this.now()) };
    });
    if ('denied' in result && result.denied) {
      await this.audit.append(this.pool, result.denied);
      throw new AppError('MOBILE_ID_NOT_FOUND', 'You have no Mobile ID with this id.');
    }
    return result.summary!;
  }

  /** A verifier's one-time request for some attributes, with a fresh nonce (valid 5 minutes). */
  async createVerificationRequest(
    context: MobileIdContext,
    input: { attributes: readonly string[]; verifierName?: string | null; audience?: string | null },
  ): Promise<VerificationRequestView> {
    const attributes = [...new Set(input.attributes)];
    const unknown = attributes.filter((a) => !isMobileIdAttribute(a));
    if (attributes.length === 0 || unknown.length) {
      throw new AppError('VALIDATION_FAILED', 'Ask for at least one attribute of the Mobile ID.', [
        { field: '/body/attributes', message: unknown.length ? `unknown attributes: ${unknown.join(', ')} (known: ${MOBILE_ID_ATTRIBUTES.join(', ')})` : 'at least one attribute' },
      ]);
    }
    const verifierName = input.verifierName?.trim() || 'OnceGov verifier';
    if (verifierName.length > 100) throw new AppError('VALIDATION_FAILED', 'The verifier name is too long.', [{ field: '/body/verifierName', message: 'at most 100 characters' }]);
    const audience = input.audience?.trim() || `${this.issuer}/verify/mobile-id`;
    if (audience.length > 200) throw new AppError('VALIDATION_FAILED', 'The audience is too long.', [{ field: '/body/audience', message: 'at most 200 characters' }]);
    const created = await this.pool.query<RequestRow>(
      `INSERT INTO mobile_id.verification_requests (id, nonce, audience, verifier_name, attributes, created_by, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7::float8 / 1000), to_timestamp($7::float8 / 1000) + make_interval(secs => $8))
       RETURNING id, nonce, audience, verifier_name, attributes, created_at, expires_at, used_at, outcome`,
      [`MVR-${randomUUID()}`, randomBytes(16).toString('base64url'), audience, verifierName, MOBILE_ID_ATTRIBUTES.filter((a) => attributes.includes(a)), context.actor.id, this.now(), REQUEST_TTL_SECONDS],
    );
    return toRequestView(created.rows[0]!);
  }

  async verificationRequest(id: string): Promise<VerificationRequestView> {
    const found = await this.pool.query<RequestRow>(
      'SELECT id, nonce, audience, verifier_name, attributes, created_at, expires_at, used_at, outcome FROM mobile_id.verification_requests WHERE id = $1',
      [id],
    );
    if (!found.rows[0]) throw new AppError('MOBILE_ID_REQUEST_NOT_FOUND', 'No verification request has this id.');
    return toRequestView(found.rows[0]);
  }

  /**
   * Checks a presentation against the verifier's request: the issuer's signature, each disclosure's
   * digest, the key binding (device signature, nonce, audience, freshness, sd_hash), expiry, and the
   * card's status in the database at this moment. Answers only the requested attributes. The
   * request is used up and the attempt audited whatever the outcome; a refusal is a 4xx problem.
   */
  async verify(context: MobileIdContext, input: { requestId: string; presentation: string }): Promise<VerificationResult> {
    const checked = await this.checkPresentation(input.presentation);
    const nowMs = this.now();
    const outcome = await withTransaction(this.pool, async (tx) => {
      // One round trip: the request, locked (a request answers once), and the card the status
      // index names (set only once the issuer's signature held, so it really is the card's).
      const found = await tx.query<RequestRow & CardColumns>(
        `SELECT r.id, r.nonce, r.audience, r.verifier_name, r.attributes, r.created_at, r.expires_at, r.used_at, r.outcome,
                c.id AS card_id, c.resident_id AS card_resident_id, c.device_thumbprint AS card_thumbprint,
                c.expires_at AS card_expires_at, c.revoked_at AS card_revoked_at, c.revocation_reason AS card_revocation_reason
           FROM mobile_id.verification_requests r
           LEFT JOIN mobile_id.credentials c ON c.status_index = $2::int
          WHERE r.id = $1
            FOR UPDATE OF r`,
        [input.requestId, checked.statusIndex],
      );
      const request = found.rows[0];
      if (!request) return { error: refuse('MOBILE_ID_REQUEST_NOT_FOUND', 'No verification request has this id.') };
      const replayed = request.used_at !== null;

      let error: AppError | null = replayed ? refuse('MOBILE_ID_REPLAYED', 'This request has already been answered; ask for a new one.') : checked.ok ? null : checked.error;
      const card: Card | undefined = request.card_id
        ? {
            id: request.card_id,
            resident_id: request.card_resident_id!,
            device_thumbprint: request.card_thumbprint!,
            expires_at: request.card_expires_at!,
            revoked_at: request.card_revoked_at,
            revocation_reason: request.card_revocation_reason,
          }
        : undefined;
      let attributes: Partial<Record<MobileIdAttribute, unknown>> = {};
      if (!error && checked.ok) {
        error = requestErrors(request, checked, nowMs) ?? cardErrors(card, checked, nowMs);
        if (!error) {
          const missing = request.attributes.filter((name) => !checked.disclosed.has(name));
          if (missing.length) error = refuse('MOBILE_ID_ATTRIBUTE_MISSING', `Not shown: ${missing.join(', ')}.`);
          else attributes = Object.fromEntries(request.attributes.map((name) => [name, checked.disclosed.get(name)]));
        }
      } else if (!error) {
        error = requestErrors(request, null, nowMs);
      }
      const entry = {
        actor: context.actor,
        action: AUDIT_ACTIONS.verify,
        purpose: `Mobile ID check by ${request.verifier_name}`,
        resource: card ? `mobile-id/${card.id}` : `mobile-id/verification-requests/${request.id}`,
        subjectResidentId: card?.resident_id ?? null,
        outcome: error ? ('denied' as const) : ('allowed' as const),
        requestId: context.requestId,
        details: {
          verificationRequestId: request.id,
          verifierName: request.verifier_name,
          audience: request.audience,
          // Only what the verifier received: the attribute names, never their values.
          fields: error ? [] : Object.keys(attributes),
          requested: request.attributes,
          ...(error ? { refusal: error.code } : {}),
        },
      };
      // The request used up and the audit entry, in one statement.
      // A replay is audited (it is an attempt on the resident's data) but leaves the request as its first answer left it.
      if (replayed) await this.audit.append(tx, entry);
      else await this.audit.appendManyWith(tx, [entry], (p) => ({
        sql: `UPDATE mobile_id.verification_requests SET used_at = to_timestamp($${p + 1}::float8 / 1000), credential_id = $${p + 2}, outcome = $${p + 3} WHERE id = $${p}`,
        params: [request.id, nowMs, card?.id ?? null, error ? 'rejected' : 'valid'],
      }));
      if (error) return { error };
      const payload = (checked as Extract<Checked, { ok: true }>).payload;
      const result: VerificationResult = {
        valid: true,
        requestId: request.id,
        verifierName: request.verifier_name,
        attributes,
        issuer: String(payload.iss),
        issuedAt: new Date(Number(payload.iat) * 1000).toISOString(),
        expiresAt: new Date(Number(payload.exp) * 1000).toISOString(),
        checkedAt: new Date(nowMs).toISOString(),
      };
      return { result };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.result;
  }

  /** Everything that needs no database: format, issuer signature, disclosures, key binding. */
  private async checkPresentation(text: string): Promise<Checked> {
    let statusIndex: number | null = null;
    const fail = (code: ErrorCode, detail: string): Checked => ({ ok: false, error: refuse(code, detail), statusIndex });
    let parts;
    try {
      parts = splitSdJwt(text);
    } catch (error) {
      if (error instanceof SdJwtFormatError) return fail('MOBILE_ID_PRESENTATION_MALFORMED', error.message);
      throw error;
    }
    let header;
    try {
      header = decodeProtectedHeader(parts.issuerJwt);
    } catch {
      return fail('MOBILE_ID_PRESENTATION_MALFORMED', 'The issuer-signed JWT has no readable header.');
    }
    if (header.typ !== SD_JWT_VC_TYP) return fail('MOBILE_ID_PRESENTATION_MALFORMED', `The issuer-signed JWT must have typ "${SD_JWT_VC_TYP}".`);
    const key = typeof header.kid === 'string' ? this.issuerKey(header.kid) : undefined;
    if (!key) return fail('MOBILE_ID_SIGNATURE_INVALID', 'The signing key is not one of the issuer\'s (see /.well-known/jwks.json).');
    let payload: JWTPayload & Record<string, unknown>;
    try {
      const verified = await compactVerify(parts.issuerJwt, await key, { algorithms: ['EdDSA'] });
      payload = JSON.parse(new TextDecoder().decode(verified.payload));
    } catch {
      return fail('MOBILE_ID_SIGNATURE_INVALID', 'The issuer\'s signature does not match the credential: it was altered or not issued by OnceGov.');
    }
    const status = (payload.status as { status_list?: { idx?: unknown } } | undefined)?.status_list;
    const sd = payload._sd;
    const cnf = (payload.cnf as { jwk?: JWK } | undefined)?.jwk;
    if (payload.iss !== this.issuer || payload.vct !== MOBILE_ID_VCT || payload._sd_alg !== SD_ALG || !Array.isArray(sd) || !cnf || !Number.isInteger(status?.idx)) {
      return fail('MOBILE_ID_PRESENTATION_MALFORMED', 'The credential is not a OnceGov Mobile ID (iss, vct, _sd, cnf or status).');
    }
    statusIndex = status!.idx as number;

    const digests = new Set(sd as string[]);
    const disclosed = new Map<string, unknown>();
    const seen = new Set<string>();
    for (const encoded of parts.disclosures) {
      let disclosure;
      try {
        disclosure = decodeDisclosure(encoded);
      } catch (error) {
        if (error instanceof SdJwtFormatError) return fail('MOBILE_ID_DISCLOSURE_INVALID', error.message);
        throw error;
      }
      const digest = sdDigest(encoded);
      if (!digests.has(digest)) return fail('MOBILE_ID_DISCLOSURE_INVALID', `The disclosure of "${disclosure.name}" is not one the issuer signed.`);
      if (seen.has(digest) || disclosed.has(disclosure.name)) return fail('MOBILE_ID_DISCLOSURE_INVALID', `"${disclosure.name}" is disclosed twice.`);
      seen.add(digest);
      disclosed.set(disclosure.name, disclosure.value);
    }

    if (!parts.keyBindingJwt) return fail('MOBILE_ID_KEY_BINDING_INVALID', 'A Key-Binding JWT signed by the device is required.');
    let kb: JWTPayload;
    try {
      const deviceKey = await importJWK({ kty: cnf.kty, crv: cnf.crv, x: cnf.x }, 'EdDSA');
      ({ payload: kb } = await jwtVerify(parts.keyBindingJwt, deviceKey, { typ: KB_JWT_TYP, algorithms: ['EdDSA'] }));
    } catch {
      return fail('MOBILE_ID_KEY_BINDING_INVALID', 'The Key-Binding JWT is not signed by the device key the card was issued to.');
    }
    if (kb.sd_hash !== sdDigest(parts.withoutKeyBinding)) return fail('MOBILE_ID_KEY_BINDING_INVALID', 'The Key-Binding JWT covers different disclosures (sd_hash).');
    const nowSeconds = this.now() / 1000;
    if (typeof kb.iat !== 'number' || kb.iat < nowSeconds - KB_MAX_AGE_SECONDS || kb.iat > nowSeconds + KB_MAX_SKEW_SECONDS) {
      return fail('MOBILE_ID_KEY_BINDING_INVALID', 'The Key-Binding JWT is not fresh (iat).');
    }
    const thumbprint = await calculateJwkThumbprint({ kty: cnf.kty, crv: cnf.crv, x: cnf.x } as JWK, 'sha256');
    return { ok: true, statusIndex, thumbprint, disclosed, nonce: kb.nonce, audience: kb.aud, payload };
  }

  private issuerKey(kid: string): Promise<CryptoKey> | undefined {
    let key = this.issuerKeys.get(kid);
    if (!key) {
      const jwk = this.keys.jwks().keys.find((k) => k.kid === kid);
      if (!jwk) return undefined;
      key = importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'EdDSA') as Promise<CryptoKey>;
      this.issuerKeys.set(kid, key);
    }
    return key;
  }

  /**
   * The Token Status List (draft-ietf-oauth-status-list) of every card: one bit per status index,
   * 1 = revoked, zlib-compressed, signed as a `statuslist+jwt` with the platform key.
   */
  async statusList(): Promise<string> {
    const result = await this.pool.query<{ status_index: number; revoked: boolean }>(
      'SELECT status_index, revoked_at IS NOT NULL AS revoked FROM mobile_id.credentials',
    );
    const size = Math.max(16, Math.ceil((Math.max(-1, ...result.rows.map((r) => r.status_index)) + 1) / 8));
    const bits = Buffer.alloc(size);
    for (const row of result.rows) if (row.revoked) bits[row.status_index >> 3]! |= 1 << (row.status_index & 7);
    const issuedAt = Math.floor(this.now() / 1000);
    const payload = {
      sub: this.statusListUri,
      iss: this.issuer,
      iat: issuedAt,
      exp: issuedAt + 24 * 3600,
      ttl: STATUS_LIST_TTL_SECONDS,
      status_list: { bits: 1, lst: deflateSync(bits).toString('base64url') },
    };
    return this.keys.signCompact(Buffer.from(JSON.stringify(payload), 'utf8'), { typ: 'statuslist+jwt' });
  }

  /** The simulated phone of the signed-in resident holding `credentialId` (demo portal only). */
  async simulatedDevice(context: MobileIdContext, credentialId: string): Promise<MobileIdHolder> {
    const residentId = residentOf(context);
    const found = await this.pool.query<{ holder_state: HolderState }>(
      'SELECT holder_state FROM mobile_id.simulated_devices WHERE credential_id = $1 AND resident_id = $2',
      [credentialId, residentId],
    );
    if (!found.rows[0]) throw new AppError('MOBILE_ID_NOT_FOUND', 'You have no simulated phone holding this Mobile ID.');
    return MobileIdHolder.restore(found.rows[0].holder_state);
  }
}

function residentOf(context: MobileIdContext): number {
  const principal = context.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  if (principal.role !== 'resident' || principal.residentId === null) throw new AppError('FORBIDDEN', 'Only residents hold a Mobile ID.');
  return principal.residentId;
}

/** An Ed25519 public JWK, and nothing else (a private part is refused rather than stored). */
async function deviceKeyFrom(value: unknown): Promise<JWK> {
  const problem = (message: string) => new AppError('VALIDATION_FAILED', 'The device key must be an Ed25519 public JWK.', [{ field: '/body/devicePublicJwk', message }]);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw problem('must be a JWK object');
  const jwk = value as Record<string, unknown>;
  if ('d' in jwk) throw problem('must not contain the private key ("d")');
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(jwk.x)) {
    throw problem('kty "OKP", crv "Ed25519" and a 32-byte x');
  }
  const key: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  try {
    await importJWK(key, 'EdDSA');
  } catch {
    throw problem('not a usable Ed25519 key');
  }
  return key;
}

function requestErrors(request: RequestRow, checked: Extract<Checked, { ok: true }> | null, nowMs: number): AppError | null {
  if (request.expires_at.getTime() < nowMs) return refuse('MOBILE_ID_REQUEST_EXPIRED', 'The verification request expired before it was answered.');
  if (!checked) return null;
  if (checked.nonce !== request.nonce) return refuse('MOBILE_ID_NONCE_MISMATCH', 'The Key-Binding JWT carries another request\'s nonce.');
  if (checked.audience !== request.audience) return refuse('MOBILE_ID_KEY_BINDING_INVALID', 'The presentation was made for another verifier (aud).');
  return null;
}

function cardErrors(card: Card | undefined, checked: Extract<Checked, { ok: true }>, nowMs: number): AppError | null {
  if (!card) return refuse('MOBILE_ID_REVOKED', 'The card is not in the register.');
  if (card.device_thumbprint !== checked.thumbprint) return refuse('MOBILE_ID_KEY_BINDING_INVALID', 'The card is bound to another device.');
  if (card.revoked_at) return refuse('MOBILE_ID_REVOKED', `The card was revoked at ${card.revoked_at.toISOString()} (${card.revocation_reason}).`);
  const exp = Number(checked.payload.exp);
  if (!Number.isFinite(exp) || exp * 1000 <= nowMs || card.expires_at.getTime() <= nowMs) return refuse('MOBILE_ID_EXPIRED', 'The card has expired; the resident can get a new one on the portal.');
  if (typeof checked.payload.nbf === 'number' && checked.payload.nbf * 1000 > nowMs + KB_MAX_SKEW_SECONDS * 1000) return refuse('MOBILE_ID_EXPIRED', 'The card is not valid yet.');
  return null;
}

function toSummary(row: CredentialRow, nowMs: number): MobileIdSummary {
  return {
    id: row.id,
    status: row.revoked_at ? 'REVOKED' : row.expires_at.getTime() <= nowMs ? 'EXPIRED' : 'VALID',
    statusIndex: row.status_index,
    deviceThumbprint: row.device_thumbprint,
    deviceLabel: row.device_label,
    issuedAt: row.issued_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revocationReason: row.revocation_reason,
    simulatedDevice: row.simulated,
  };
}

function toRequestView(row: RequestRow): VerificationRequestView {
  return {
    id: row.id,
    nonce: row.nonce,
    audience: row.audience,
    verifierName: row.verifier_name,
    attributes: row.attributes.filter(isMobileIdAttribute),
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    used: row.used_at !== null,
    outcome: row.outcome,
  };
}
