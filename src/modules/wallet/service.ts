// The document wallet (issue 5, part 3). Agencies issue e-certificates as W3C Verifiable
// Credentials 2.0 with claims read from the registries (through the registry module's service),
// secured with a Data Integrity proof (eddsa-rdfc-2022) and a Bitstring Status List entry; the
// resident's wallet lists them; the issuing agency's officials revoke them; anyone verifies them;
// a resident shares one with a bank under a MyData consent (the consent module's grant), and the
// bank fetches it authenticated and consent-checked by the once-only exchange, which records the
// consent's use. Issuance, revocation, shares, fetches and the resident's reads are audited with
// the resident as subject, so they appear in "who used my data".
import { randomUUID } from 'node:crypto';
import type { AuditActor, AuditEntry, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import type { Pool, Queryable } from '../../core/db';
import { withTransaction } from '../../core/db';
import { AppError, type FieldProblem } from '../../core/errors';
import type { ConsentService, Consent } from '../consent';
import type { ExchangeService } from '../exchange';
import { parseExchangeRequest, isProtocolError } from '../exchange/protocol';
import { exchangeError } from '../exchange';
import { findDataProduct, normalizeSubjectId } from '../registry/data-products';
import type { RegistryService } from '../registry/service';
import {
  CERTIFICATES, DOC_TYPES, SEAL_PURPOSES, VACCINES, VC_V2_CONTEXT,
  isDocType, newDocumentUri, parseDocumentUri, type DocType, type SealPurpose,
} from './certificates';
import type { CredentialCrypto } from './crypto';
import { allocateStatus, encodeList, isStatusListId, readStatusBit, readStatusList, setStatusBit } from './status-list';
import { CredentialVerifier, type CredentialVerification } from './verify';

export interface WalletContext {
  /** Null for the platform's own systems calling in-process (actor.role 'system'). */
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
}

export interface VaccinationInput {
  vaccineCode: string;
  doseNumber: number;
  administeredOn: string;
}

export interface IssueRequest {
  type: DocType;
  /** The holder: a resident (every type but business registration) or a business (by BRN). */
  residentId?: number;
  brn?: string;
  sealPurpose?: SealPurpose;
  vaccinations?: VaccinationInput[];
}

export type CertificateState = 'valid' | 'revoked' | 'expired';

export interface StoredCertificate {
  id: string;
  type: DocType;
  agency: string;
  residentId: number | null;
  state: CertificateState;
  issuedAt: string;
  validFrom: string;
  validUntil: string;
  revokedAt: string | null;
  credential: Record<string, unknown>;
}

export interface Share {
  id: string;
  credentialId: string;
  recipient: string;
  createdAt: string;
  consent: Pick<Consent, 'id' | 'state' | 'useCount' | 'lastUsedAt' | 'usedUp' | 'consentExpiry' | 'recipientName'> | null;
}

export interface ShareInput {
  recipient: string;
  purposeCode: string;
  purposeText: string;
  consentExpiry: string;
}

interface CredentialRow {
  id: string;
  doc_type: DocType;
  agency: string;
  resident_id: string | null;
  subject_id: string;
  status_list_id: string;
  status_index: number;
  credential: Record<string, unknown>;
  valid_from: Date;
  valid_until: Date;
  issued_at: Date;
  revoked_at: Date | null;
}

const DAY_MS = 86_400_000;
export const MAX_VACCINATIONS = 40;

/** Seconds dropped: VC 2.0 dateTimeStamps, shortest form. */
function stamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function residentSubjectId(residentId: number): string {
  return `urn:oncegov:resident:${residentId}`;
}

export class WalletService {
  readonly verifier: CredentialVerifier;
  private readonly signedLists = new Map<string, { revision: number; credential: Record<string, unknown>; validUntil: number }>();

  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly registry: RegistryService,
    private readonly consents: ConsentService,
    private readonly exchange: ExchangeService,
    readonly crypto: CredentialCrypto,
  ) {
    this.verifier = new CredentialVerifier(crypto, {
      revoked: async (listUrl, index) => {
        const prefix = crypto.urls.statusList('');
        if (!listUrl.startsWith(prefix)) return null;
        const listId = listUrl.slice(prefix.length);
        if (!isStatusListId(listId)) return null;
        const bit = await readStatusBit(this.pool, listId, index);
        if (bit === null) return null;
        if (!bit) return { revoked: false, revokedAt: null };
        const row = await this.pool.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM wallet.credentials WHERE status_list_id = $1 AND status_index = $2', [listId, index]);
        return { revoked: true, revokedAt: row.rows[0]?.revoked_at?.toISOString() ?? null };
      },
    });
  }

  /** Types the signed-in resident may ask for from the wallet. */
  selfServiceTypes(): DocType[] {
    return DOC_TYPES.filter((type) => CERTIFICATES[type].selfService);
  }

  /**
   * Issues a certificate (audited 'wallet.credential.issue' in the same transaction). Allowed to:
   * the resident for their own self-service types, officials of an agency listed for the type,
   * and the platform's systems in-process (principal null, actor role 'system'). `options.now`
   * backdates issuance (tests and demos of expiry; not reachable over HTTP).
   */
  async issue(context: WalletContext, request: IssueRequest, options: { now?: Date } = {}): Promise<StoredCertificate> {
    if (!isDocType(request.type)) throw new AppError('VALIDATION_FAILED', `type must be one of ${DOC_TYPES.join(', ')}.`, [{ field: '/body/credential/type', message: 'unknown certificate type' }]);
    const definition = CERTIFICATES[request.type];
    const business = request.type === 'BusinessRegistrationCertificate';
    const subjectKey = business ? normalizeSubjectId('business', request.brn ?? '') : normalizeSubjectId('resident', request.residentId ?? '');
    if (subjectKey === null) {
      throw new AppError('VALIDATION_FAILED', business ? 'A business registration number (10 digits) is required.' : 'A resident is required.', [
        { field: '/body/credential/credentialSubject/id', message: business ? 'must be urn:oncegov:business:<10-digit BRN>' : 'must be urn:oncegov:resident:<resident id>' },
      ]);
    }
    const residentId = business ? null : (subjectKey as number);
    const denied = await this.authoriseIssue(context, request.type, residentId);
    if (denied) {
      await this.audit.append(this.pool, this.entry(context, 'wallet.credential.issue', 'denied', residentId, `wallet/credentials`, { type: request.type, reason: denied }));
      throw new AppError('FORBIDDEN', denied);
    }
    const claims = this.validateIssuerClaims(request);
    const now = options.now ?? new Date();
    const validFrom = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const validUntil = new Date(validFrom.getTime() + definition.validDays * DAY_MS);
    const id = newDocumentUri(definition.agency, request.type);
    const issuer = this.crypto.issuer(definition.agency)!;

    const row = await withTransaction(this.pool, async (tx) => {
      const subject = await this.readClaims(tx, request.type, subjectKey, claims);
      if (!subject) return null;
      const { listId, index } = await allocateStatus(tx, definition.agency);
      const listUrl = this.crypto.urls.statusList(listId);
      const unsigned: Record<string, unknown> = {
        '@context': [VC_V2_CONTEXT, this.crypto.urls.context],
        id,
        type: ['VerifiableCredential', request.type],
        name: [
          { '@value': definition.title.ko, '@language': 'ko' },
          { '@value': definition.title.en, '@language': 'en' },
        ],
        issuer: issuer.id,
        validFrom: stamp(validFrom),
        validUntil: stamp(validUntil),
        credentialSubject: subject,
        credentialStatus: {
          id: `${listUrl}#${index}`,
          type: 'BitstringStatusListEntry',
          statusPurpose: 'revocation',
          statusListIndex: String(index),
          statusListCredential: listUrl,
        },
      };
      const credential = await this.crypto.sign(definition.agency, unsigned, validFrom);
      await tx.query(
        `INSERT INTO wallet.credentials (id, doc_type, agency, resident_id, subject_id, status_list_id, status_index, credential, valid_from, valid_until, issued_at, issued_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [id, request.type, definition.agency, residentId, subject.id, listId, index, credential, validFrom, validUntil, validFrom, context.actor.id],
      );
      await this.audit.append(tx, this.entry(context, 'wallet.credential.issue', 'allowed', residentId, `wallet/credentials/${id}`, { type: request.type, issuer: definition.agency, credentialId: id }));
      const inserted = await tx.query<CredentialRow>('SELECT * FROM wallet.credentials WHERE id = $1', [id]);
      return inserted.rows[0]!;
    });
    if (!row) throw new AppError('SUBJECT_NOT_FOUND', business ? `There is no business ${String(subjectKey)} in the register.` : `There is no resident ${String(subjectKey)} in the register.`);
    return this.toCertificate(row);
  }

  /** The signed-in resident's certificates, newest first (audited 'wallet.list'). */
  async listForResident(context: WalletContext): Promise<StoredCertificate[]> {
    const residentId = this.residentOf(context);
    return withTransaction(this.pool, async (tx) => {
      const rows = await tx.query<CredentialRow>('SELECT * FROM wallet.credentials WHERE resident_id = $1 ORDER BY issued_at DESC, id', [residentId]);
      await this.audit.append(tx, this.entry(context, 'wallet.list', 'allowed', residentId, 'wallet/credentials', { count: rows.rowCount }));
      return rows.rows.map((row) => this.toCertificate(row));
    });
  }

  /** One of the signed-in resident's certificates (audited); anyone else's is 404, audited as denied. */
  async getForResident(context: WalletContext, id: string): Promise<StoredCertificate> {
    const residentId = this.residentOf(context);
    const row = parseDocumentUri(id) ? (await this.pool.query<CredentialRow>('SELECT * FROM wallet.credentials WHERE id = $1', [id])).rows[0] : undefined;
    if (!row) throw new AppError('NOT_FOUND', `There is no certificate ${id} in your wallet.`);
    const owner = row.resident_id === null ? null : Number(row.resident_id);
    if (owner !== residentId) {
      await this.audit.append(this.pool, this.entry(context, 'wallet.credential.read', 'denied', owner, `wallet/credentials/${id}`, { reason: 'not the holder' }));
      throw new AppError('NOT_FOUND', `There is no certificate ${id} in your wallet.`);
    }
    await this.audit.append(this.pool, this.entry(context, 'wallet.credential.read', 'allowed', residentId, `wallet/credentials/${id}`, { type: row.doc_type }));
    return this.toCertificate(row);
  }

  /**
   * Revokes a certificate (officials of an agency listed for its type, or platform systems; a
   * reason is required; audited in the transaction that flips the status bit). From the commit
   * on, verification answers "revoked" (the bit is read from Postgres on every verification,
   * and the published list is re-signed when its revision changes).
   */
  async revoke(context: WalletContext, id: string, reasonInput: string): Promise<StoredCertificate> {
    const reason = typeof reasonInput === 'string' ? reasonInput.trim() : '';
    const parsed = parseDocumentUri(id);
    if (!parsed) throw new AppError('NOT_FOUND', `There is no credential ${String(id).slice(0, 200)}.`);
    const definition = CERTIFICATES[parsed.type];
    const principal = context.principal;
    const system = principal === null && context.actor.role === 'system';
    if (!principal && !system) throw new AppError('UNAUTHENTICATED');
    if (!system && !(principal?.role === 'official' && principal.agencyCode && definition.officials.includes(principal.agencyCode))) {
      const owner = await this.pool.query<{ resident_id: string | null }>('SELECT resident_id FROM wallet.credentials WHERE id = $1', [id]);
      const subject = owner.rows[0]?.resident_id ? Number(owner.rows[0].resident_id) : null;
      await this.audit.append(this.pool, this.entry(context, 'wallet.credential.revoke', 'denied', subject, `wallet/credentials/${id}`, { reason: 'not an official of the issuing agency' }));
      throw new AppError('FORBIDDEN', `Only officials of ${definition.officials.join(' or ')} revoke a ${parsed.type}.`);
    }
    if (reason.length === 0 || reason.length > 500) {
      throw new AppError('VALIDATION_FAILED', 'A reason (1–500 characters) is required to revoke a credential.', [{ field: '/body/reason', message: 'must be 1–500 characters' }]);
    }
    const row = await withTransaction(this.pool, async (tx) => {
      const found = await tx.query<CredentialRow>('SELECT * FROM wallet.credentials WHERE id = $1 FOR UPDATE', [id]);
      const current = found.rows[0];
      if (!current) throw new AppError('NOT_FOUND', `There is no credential ${id}.`);
      if (current.revoked_at) throw new AppError('CONFLICT', `Credential ${id} is already revoked.`);
      await setStatusBit(tx, current.status_list_id, current.status_index);
      const updated = await tx.query<CredentialRow>('UPDATE wallet.credentials SET revoked_at = now(), revoked_by = $2, revocation_reason = $3 WHERE id = $1 RETURNING *', [id, context.actor.id, reason]);
      const subject = current.resident_id === null ? null : Number(current.resident_id);
      await this.audit.append(tx, this.entry(context, 'wallet.credential.revoke', 'allowed', subject, `wallet/credentials/${id}`, { type: current.doc_type, issuer: current.agency, reason, credentialId: id }));
      return updated.rows[0]!;
    });
    this.signedLists.delete(row.status_list_id);
    return this.toCertificate(row);
  }

  /** Verifies a credential (public; not audited: it reads nothing but the status bit). */
  verifyCredential(credential: unknown, now = new Date()): Promise<CredentialVerification> {
    return this.verifier.verifyCredential(credential, now);
  }

  /** The stored credential with this document URI, for the public verification link (its QR code). */
  async findById(id: string): Promise<Record<string, unknown> | null> {
    if (!parseDocumentUri(id)) return null;
    const row = await this.pool.query<{ credential: Record<string, unknown> }>('SELECT credential FROM wallet.credentials WHERE id = $1', [id]);
    return row.rows[0]?.credential ?? null;
  }

  /**
   * The agency's Bitstring Status List credential, signed by the agency; re-signed when a
   * revocation changed the list (its revision) and at least daily, otherwise served from memory.
   */
  async statusListCredential(listId: string): Promise<Record<string, unknown> | null> {
    if (!isStatusListId(listId)) return null;
    const list = await readStatusList(this.pool, listId);
    if (!list) return null;
    const cached = this.signedLists.get(listId);
    if (cached && cached.revision === list.revision && cached.validUntil > Date.now() + 3_600_000) return cached.credential;
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const validUntil = new Date(now.getTime() + DAY_MS);
    const url = this.crypto.urls.statusList(listId);
    const credential = await this.crypto.sign(list.agency, {
      '@context': [VC_V2_CONTEXT],
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: this.crypto.urls.issuer(list.agency),
      validFrom: stamp(now),
      validUntil: stamp(validUntil),
      credentialSubject: { id: `${url}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: encodeList(list.bits) },
    }, now);
    this.signedLists.set(listId, { revision: list.revision, credential, validUntil: validUntil.getTime() });
    return credential;
  }

  /**
   * Shares one of the signed-in resident's certificates with a recipient (a bank's subsystem):
   * grants a one-time MyData consent for the certificate's data product through the consent
   * module (its own audit entry 'consent.grant'), then records the share ('wallet.share').
   */
  async share(context: WalletContext, credentialId: string, input: ShareInput): Promise<Share> {
    const certificate = await this.getForResident(context, credentialId);
    const product = CERTIFICATES[certificate.type].consentProduct;
    if (!product) {
      throw new AppError('VALIDATION_FAILED', `A ${certificate.type} cannot be shared through MyData: no data product covers it.`, [{ field: '/body/credentialId', message: 'not shareable through MyData' }]);
    }
    if (certificate.state !== 'valid') throw new AppError('CONFLICT', `The certificate is ${certificate.state}; only a valid one can be shared.`);
    const consent = await this.consents.grant(context, {
      recipient: input.recipient,
      purposeCode: input.purposeCode,
      purposeText: input.purposeText,
      dataTypes: [product],
      consentExpiry: input.consentExpiry,
      fetchType: 'ONETIME',
      dataLife: { unit: 'DAY', value: 30 },
    });
    const id = `SHR-${randomUUID()}`;
    await withTransaction(this.pool, async (tx) => {
      await tx.query('INSERT INTO wallet.shares (id, credential_id, resident_id, recipient, consent_id, product_id) VALUES ($1, $2, $3, $4, $5, $6)', [
        id, certificate.id, certificate.residentId, consent.recipient, consent.id, product,
      ]);
      await this.audit.append(tx, this.entry(context, 'wallet.share', 'allowed', certificate.residentId, `wallet/credentials/${certificate.id}`, {
        shareId: id, recipient: consent.recipient, consentId: consent.id, type: certificate.type,
      }));
    });
    return { id, credentialId: certificate.id, recipient: consent.recipient, createdAt: new Date().toISOString(), consent: pickConsent(consent) };
  }

  /** The shares of one of the signed-in resident's certificates, with their consents' state and uses. */
  async sharesOf(context: WalletContext, credentialId: string): Promise<Share[]> {
    const residentId = this.residentOf(context);
    const rows = await this.pool.query<{ id: string; credential_id: string; recipient: string; consent_id: string; created_at: Date }>(
      'SELECT id, credential_id, recipient, consent_id, created_at FROM wallet.shares WHERE credential_id = $1 AND resident_id = $2 ORDER BY created_at DESC',
      [credentialId, residentId],
    );
    const consents = new Map((await this.consents.list(context)).map((c) => [c.id, c]));
    return rows.rows.map((row) => {
      const consent = consents.get(row.consent_id);
      return { id: row.id, credentialId: row.credential_id, recipient: row.recipient, createdAt: row.created_at.toISOString(), consent: consent ? pickConsent(consent) : null };
    });
  }

  /**
   * A recipient fetches a certificate shared with it. The request carries the exchange's headers
   * (X-Road-Client, Authorization: Bearer, X-Road-Purpose, …): the once-only exchange
   * authenticates the client, checks the resident's active consent for the certificate's data
   * product, records the consent's use and audits its read; then the certificate is answered and
   * the fetch audited ('wallet.share.fetch'). No share, or a consent paused, withdrawn, expired or
   * used up: refused (and audited).
   */
  async fetchShared(input: { credentialId: string; headers: Record<string, string | string[] | undefined>; source?: string; requestId: string }): Promise<Record<string, unknown>> {
    const parsed = parseDocumentUri(input.credentialId);
    const row = parsed ? (await this.pool.query<CredentialRow>('SELECT * FROM wallet.credentials WHERE id = $1', [input.credentialId])).rows[0] : undefined;
    const client = typeof input.headers['x-road-client'] === 'string' ? input.headers['x-road-client'] : 'unknown';
    const actor: AuditActor = { id: client, role: 'system', org: client.split('/')[2] ?? null };
    const context: WalletContext = { principal: null, actor, requestId: input.requestId };
    if (!row || row.resident_id === null) throw new AppError('NOT_FOUND', 'No such credential has been shared.');
    const residentId = Number(row.resident_id);
    const product = findDataProduct(CERTIFICATES[row.doc_type].consentProduct ?? '');
    const share = await this.pool.query<{ id: string }>('SELECT id FROM wallet.shares WHERE credential_id = $1 AND recipient = $2 ORDER BY created_at DESC LIMIT 1', [row.id, client]);
    const deny = async (error: AppError, reason: string) => {
      await this.audit.append(this.pool, this.entry(context, 'wallet.share.fetch', 'denied', residentId, `wallet/credentials/${row.id}`, { reason, recipient: client }));
      return error;
    };
    if (!product || !share.rows[0]) throw await deny(new AppError('CONSENT_REQUIRED', 'The holder has not shared this credential with your subsystem.'), 'not shared with this recipient');
    const [instance, memberClass, memberCode, subsystemCode] = product.providerSubsystem.split('/');
    const path = `/r1/${product.providerSubsystem}/${product.id}/${residentId}`;
    const request = parseExchangeRequest({
      params: { xRoadInstance: instance, memberClass, memberCode, subsystemCode, serviceCode: product.id, subjectId: String(residentId) },
      path,
      headers: input.headers,
      query: {},
    });
    if (isProtocolError(request)) throw await deny(exchangeError(request.xroad, request.detail, { field: request.field }), request.detail);
    try {
      await this.exchange.read(request, product, input.source);
    } catch (error) {
      if (error instanceof AppError) throw await deny(error, error.detail ?? error.code);
      throw error;
    }
    await this.audit.append(this.pool, this.entry(context, 'wallet.share.fetch', 'allowed', residentId, `wallet/credentials/${row.id}`, {
      shareId: share.rows[0].id, recipient: client, type: row.doc_type, exchangeMessageId: request.messageId,
    }));
    return row.credential;
  }

  private async authoriseIssue(context: WalletContext, type: DocType, residentId: number | null): Promise<string | null> {
    const principal = context.principal;
    const definition = CERTIFICATES[type];
    if (!principal) {
      if (context.actor.role === 'system') return null;
      throw new AppError('UNAUTHENTICATED');
    }
    if (principal.role === 'official' && principal.agencyCode && definition.officials.includes(principal.agencyCode)) return null;
    if (principal.role === 'resident') {
      if (!definition.selfService) return `A ${type} is issued by ${definition.agency} officials only.`;
      if (principal.residentId === null || principal.residentId !== residentId) return 'Residents ask only for their own certificates.';
      return null;
    }
    return `Only officials of ${definition.officials.join(' or ')} issue a ${type}.`;
  }

  private validateIssuerClaims(request: IssueRequest): { sealPurpose?: SealPurpose; vaccinations?: VaccinationInput[] } {
    const problems: FieldProblem[] = [];
    const out: { sealPurpose?: SealPurpose; vaccinations?: VaccinationInput[] } = {};
    if (request.type === 'ElectronicSealCertificate') {
      const purpose = request.sealPurpose ?? 'general';
      if (!(SEAL_PURPOSES as readonly string[]).includes(purpose)) problems.push({ field: '/body/credential/credentialSubject/sealPurpose', message: `must be one of ${SEAL_PURPOSES.join(', ')}` });
      out.sealPurpose = purpose;
    }
    if (request.type === 'VaccinationRecord') {
      const list = request.vaccinations;
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_VACCINATIONS) {
        problems.push({ field: '/body/credential/credentialSubject/vaccinations', message: `must list 1–${MAX_VACCINATIONS} doses` });
      } else {
        list.forEach((dose, i) => {
          const at = `/body/credential/credentialSubject/vaccinations/${i}`;
          if (!dose || typeof dose.vaccineCode !== 'string' || !(dose.vaccineCode in VACCINES)) problems.push({ field: `${at}/vaccineCode`, message: `must be one of ${Object.keys(VACCINES).join(', ')}` });
          if (!dose || !Number.isInteger(dose.doseNumber) || dose.doseNumber < 1 || dose.doseNumber > 10) problems.push({ field: `${at}/doseNumber`, message: 'must be a whole number from 1 to 10' });
          if (!dose || typeof dose.administeredOn !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(dose.administeredOn) || Number.isNaN(Date.parse(dose.administeredOn)) || Date.parse(dose.administeredOn) > Date.now()) {
            problems.push({ field: `${at}/administeredOn`, message: 'must be a past date YYYY-MM-DD' });
          }
        });
        out.vaccinations = list.map((d) => ({ vaccineCode: d.vaccineCode, doseNumber: d.doseNumber, administeredOn: d.administeredOn }));
      }
    }
    if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
    return out;
  }

  /** The credentialSubject, from the registries (read in the issuing transaction), or null when the subject does not exist. */
  private async readClaims(db: Queryable, type: DocType, subject: number | string, extra: { sealPurpose?: SealPurpose; vaccinations?: VaccinationInput[] }): Promise<Record<string, unknown> & { id: string } | null> {
    if (type === 'BusinessRegistrationCertificate') {
      const b = await this.registry.readDataProduct(db, 'business.registration', subject);
      if (!b) return null;
      return {
        id: `urn:oncegov:business:${String(b.brn)}`,
        type: 'Business',
        brn: b.brn,
        tradeNameKo: b.nameKo,
        tradeNameEn: b.nameEn,
        industryCode: b.industryCode,
        openedOn: b.openedOn,
        ...(b.closedOn ? { closedOn: b.closedOn } : {}),
        businessStatus: b.status,
      };
    }
    const basic = await this.registry.readDataProduct(db, 'resident.basic', subject);
    if (!basic) return null;
    const holder = {
      id: residentSubjectId(subject as number),
      type: 'Resident',
      nameKo: basic.nameKo,
      nameRomanized: basic.nameRomanized,
      birthDate: basic.birthDate,
    };
    switch (type) {
      case 'ResidentRegistrationAbstract':
        return { ...holder, sex: basic.sex, addressKo: basic.addressKo, addressEn: basic.addressEn, postalCode: basic.postalCode, householdRole: basic.householdRole, registeredOn: basic.registeredOn };
      case 'FamilyRelationCertificate': {
        const family = await this.registry.readDataProduct(db, 'family.relations', subject);
        const relations = (family?.relations as Array<Record<string, unknown>> | undefined) ?? [];
        return {
          ...holder,
          familyMembers: relations.map((r) => ({ type: 'FamilyMember', relation: r.relation, nameKo: r.nameKo, nameRomanized: r.nameRomanized, birthDate: r.birthDate })),
        };
      }
      case 'IncomeCertificate': {
        const income = await this.registry.readDataProduct(db, 'tax.income-certificate', subject);
        return { ...holder, taxYear: income?.taxYear, earnedIncomeKrw: income?.earnedIncomeKrw ?? 0, businessIncomeKrw: income?.businessIncomeKrw ?? 0 };
      }
      case 'ElectronicSealCertificate':
        return { ...holder, addressKo: basic.addressKo, sealPurpose: extra.sealPurpose ?? 'general' };
      case 'VaccinationRecord':
        return { ...holder, vaccinations: (extra.vaccinations ?? []).map((d) => ({ type: 'Vaccination', ...d })) };
    }
  }

  private residentOf(context: WalletContext): number {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (principal.role !== 'resident' || principal.residentId === null) throw new AppError('FORBIDDEN', 'Only residents have a document wallet.');
    return principal.residentId;
  }

  private toCertificate(row: CredentialRow): StoredCertificate {
    const state: CertificateState = row.revoked_at ? 'revoked' : row.valid_until.getTime() <= Date.now() ? 'expired' : 'valid';
    return {
      id: row.id,
      type: row.doc_type,
      agency: row.agency,
      residentId: row.resident_id === null ? null : Number(row.resident_id),
      state,
      issuedAt: row.issued_at.toISOString(),
      validFrom: row.valid_from.toISOString(),
      validUntil: row.valid_until.toISOString(),
      revokedAt: row.revoked_at?.toISOString() ?? null,
      credential: row.credential,
    };
  }

  private entry(context: WalletContext, action: string, outcome: 'allowed' | 'denied', subject: number | null, resource: string, details: Record<string, unknown>): AuditEntry {
    return {
      actor: context.actor,
      action,
      purpose: PURPOSES[action] ?? 'Document wallet',
      resource,
      outcome,
      subjectResidentId: subject,
      requestId: context.requestId,
      details,
    };
  }
}

const PURPOSES: Record<string, string> = {
  'wallet.credential.issue': 'Issuing an e-certificate (verifiable credential) from the registries',
  'wallet.credential.revoke': 'Revoking an e-certificate by its issuing agency',
  'wallet.credential.read': 'The holder viewing an e-certificate in the wallet',
  'wallet.list': 'The holder viewing the document wallet',
  'wallet.share': 'The holder sharing an e-certificate under a MyData consent',
  'wallet.share.fetch': 'A recipient fetching a shared e-certificate under the holder\'s consent',
};

function pickConsent(c: Consent): Share['consent'] {
  return { id: c.id, state: c.state, useCount: c.useCount, lastUsedAt: c.lastUsedAt, usedUp: c.usedUp, consentExpiry: c.consentExpiry, recipientName: c.recipientName };
}
