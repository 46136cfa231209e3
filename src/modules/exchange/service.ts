// The once-only exchange (issue 3): an agency's subsystem reads one data product about one subject
// from the provider's registry, X-Road style. A request is served only when the client's API
// credential is valid for the X-Road-Client it names, the provider subsystem offers the service,
// an active agreement covers client, product and purpose, the resident's active consent exists when
// the agreement requires one, and the subject exists; the answer holds only the agreement's fields
// and is signed with the platform key. A client with no agreement may still read a resident's data
// product under that resident's active MyData consent for it (the consent module): the answer then
// holds the whole product, the consent's purpose. Every consent use is recorded, and the audit
// entry names the consent (details.consentId). Every request that names a client and a service, allowed or
// denied, is audited ('exchange.read'); allowed ones in the same transaction as the registry read,
// together with the public monthly counters.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AuditEntry, AuditLog, AuditActor } from '../../core/audit';
import type { Principal } from '../../core/auth';
import type { Pool, Queryable, Tx } from '../../core/db';
import { withTransaction } from '../../core/db';
import { beginReadingChangeVersions, VersionedCache, type ChangeVersions } from '../../core/change-versions';
import { GroupCommit, type Settled } from '../../core/group-commit';
import { FailureThrottle, type FailureThrottleOptions } from '../../core/rate-limit';
import { AppError, type ErrorCode } from '../../core/errors';
import { koreanDate } from '../../core/period';
import type { PlatformKeys, PublicJwks } from '../../core/keys';
import type { ActiveAgreement, ActiveAgreementIndex, AgreementsService } from '../agreements';
import type { DirectoryService, Subsystem } from '../directory';
import { parseSubsystemId } from '../directory';
import { findDataProduct, normalizeSubjectId, type DataProduct } from '../registry/data-products';
import type { RegistryService } from '../registry/service';
import { requestHash, signedPayload, type ExchangeRequest, type XRoadErrorCode } from './protocol';

export interface ExchangeContext {
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
}

export interface IssuedCredential {
  id: string;
  subsystemId: string;
  /** Shown once; only its SHA-256 is stored. */
  secret: string;
  issuedAt: string;
}

/** A credential as the operator's console shows it: never its secret. */
export interface CredentialSummary {
  id: string;
  subsystemId: string;
  issuedAt: string;
  issuedBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revocationReason: string | null;
}

export interface ExchangeResponse {
  body: Buffer;
  fields: string[];
  headers: Record<string, string>;
}

export interface MonthlyStatistics {
  month: string;
  rows: Array<{ clientSubsystem: string; clientAgency: string; productId: string; allowed: number; denied: number }>;
}

const XROAD_TO_CODE: Record<XRoadErrorCode, ErrorCode> = {
  'Client.BadHeader': 'VALIDATION_FAILED',
  'Client.BadRequest': 'VALIDATION_FAILED',
  'Client.PurposeMissing': 'VALIDATION_FAILED',
  'Client.UserIdMissing': 'VALIDATION_FAILED',
  'Client.AuthenticationFailed': 'CLIENT_CREDENTIAL_INVALID',
  'Client.UnknownClient': 'UNKNOWN_SUBSYSTEM',
  'Client.AgreementMissing': 'AGREEMENT_MISSING',
  'Client.ConsentRequired': 'CONSENT_REQUIRED',
  'Client.TooManyFailures': 'TOO_MANY_REQUESTS',
  'Server.ServiceUnknown': 'UNKNOWN_SERVICE',
  'Server.SubjectUnknown': 'SUBJECT_NOT_FOUND',
  'Server.InternalError': 'INTERNAL_ERROR',
};

/** An exchange error as problem+json, with X-Road-Error and the X-Road-Id echoed. */
export function exchangeError(xroad: XRoadErrorCode, detail: string, options: { messageId?: string | null; field?: string; code?: ErrorCode; retryAfter?: number } = {}): AppError {
  const headers: Record<string, string> = { 'x-road-error': xroad };
  if (options.retryAfter) headers['retry-after'] = String(options.retryAfter);
  if (options.messageId) headers['x-road-id'] = options.messageId;
  if (xroad === 'Client.AuthenticationFailed') headers['www-authenticate'] = 'Bearer realm="oncegov-exchange"';
  const errors = options.field ? [{ field: options.field, message: detail }] : undefined;
  return new AppError(options.code ?? XROAD_TO_CODE[xroad], detail, errors, headers);
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const SHARDS = 16;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The current month in Korea time (UTC+9, no daylight saving), 'YYYY-MM'. */
export function currentMonth(now = new Date()): string {
  return koreanDate(now).slice(0, 7);
}

/** What the exchange needs from the consent module (src/modules/consent): its MyData consents. */
export interface ConsentPort {
  findActiveConsent(
    db: Queryable,
    query: { residentId: number; recipientSubsystem: string; productId: string; purposeCode?: string; at?: Date },
  ): Promise<{ id: string; purposeText: string } | null>;
  /** Whether any consent (in any state) was ever given for this recipient and product. */
  anyConsent(db: Queryable, query: { residentId: number; recipientSubsystem: string; productId: string }): Promise<boolean>;
  recordUse(db: Queryable, consentId: string, productId?: string): Promise<void>;
}

interface PendingRead {
  request: ExchangeRequest;
  product: DataProduct;
  /** A module of this process (readForPlatform): no bearer credential to check. */
  inProcess?: boolean;
}

/** What the hot path checks against, loaded (or kept) once per batch. */
interface Checks {
  /** SHA-256 (hex) of each valid credential secret → its subsystem. */
  credentials: ReadonlyMap<string, string>;
  subsystems: ReadonlyMap<string, Subsystem>;
  agreements: ActiveAgreementIndex;
  at: Date;
}

type Decision = { request: ExchangeRequest; product: DataProduct; counted: boolean; entry: AuditEntry } & (
  | { allowed: true; body: Buffer; fields: string[] }
  | { allowed: false; error: AppError }
);

/** A request whose checks passed, waiting for its registry read. */
interface Readable {
  readable: true;
  request: ExchangeRequest;
  product: DataProduct;
  subject: number | string;
  agreement: ActiveAgreement | null;
}

interface Denial {
  xroad: XRoadErrorCode;
  detail: string;
  code?: ErrorCode;
  field?: string;
}

export class ExchangeService {
  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly directory: DirectoryService,
    private readonly agreements: AgreementsService,
    private readonly registry: RegistryService,
    private readonly keys: PlatformKeys,
    private readonly consents: ConsentPort | null = null,
    private readonly throttleOptions: FailureThrottleOptions = { maxFailures: 20, windowMs: 60_000 },
  ) {
    this.failedAuthentication = new FailureThrottle(throttleOptions);
  }

  /** Addresses refused for a while after too many wrong credentials. */
  private readonly failedAuthentication: FailureThrottle;

  // Two batches in flight, not three: on the 2-core bench machine each batch's round trips are
  // quicker with one fewer competing, batches grow, and tail latency fell (bench exchange at half
  // saturation, p99 21-24 ms with two against 25-92 ms with three; saturation 3,750-4,030/s against 2,940-3,810/s).
  private readonly batches = new GroupCommit<PendingRead, ExchangeResponse>((items) => this.serveBatch(items), { maxBatch: 64, maxConcurrent: 2 });
  private readonly credentials = new VersionedCache('exchange.client_credentials', async (db) => {
    const result = await db.query<{ secret_sha256: Buffer; subsystem_id: string }>('SELECT secret_sha256, subsystem_id FROM exchange.client_credentials WHERE revoked_at IS NULL');
    return new Map(result.rows.map((row) => [row.secret_sha256.toString('hex'), row.subsystem_id] as const));
  });

  jwks(): PublicJwks {
    return this.keys.jwks();
  }

  /** A new API credential for a client subsystem (operators only; audited; secret shown once). */
  async issueCredential(context: ExchangeContext, subsystemId: string): Promise<IssuedCredential> {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    const entry = (outcome: 'allowed' | 'denied', resource: string): AuditEntry => ({
      actor: context.actor,
      action: 'exchange.credentials.issue',
      purpose: 'Issuing an API credential for a client subsystem of the once-only exchange',
      resource,
      outcome,
      requestId: context.requestId,
      details: { subsystemId },
    });
    if (principal.role !== 'operator') {
      await this.audit.append(this.pool, entry('denied', 'exchange/credentials'));
      throw new AppError('FORBIDDEN', 'Only the platform operator issues exchange credentials.');
    }
    const subsystem = parseSubsystemId(subsystemId) ? await this.directory.findSubsystem(subsystemId) : undefined;
    if (!subsystem) throw new AppError('UNKNOWN_SUBSYSTEM', `There is no subsystem ${subsystemId} in the directory.`);
    if (subsystem.role === 'provider') {
      throw new AppError('VALIDATION_FAILED', `${subsystemId} is a provider-only subsystem; only consumers call the exchange.`, [
        { field: '/body/subsystemId', message: 'must be a consumer subsystem' },
      ]);
    }
    const id = `CRED-${randomUUID()}`;
    const secret = `ogx_${randomBytes(32).toString('base64url')}`;
    const issuedAt = await withTransaction(this.pool, async (tx) => {
      const row = await tx.query<{ issued_at: Date }>(
        'INSERT INTO exchange.client_credentials (id, subsystem_id, secret_sha256, issued_by) VALUES ($1, $2, $3, $4) RETURNING issued_at',
        [id, subsystem.id, sha256(secret), context.actor.id],
      );
      await this.audit.append(tx, entry('allowed', `exchange/credentials/${id}`));
      return row.rows[0]!.issued_at;
    });
    return { id, subsystemId: subsystem.id, secret, issuedAt: issuedAt.toISOString() };
  }

  /** Every credential, newest first, without secrets (the operator and auditors). */
  async listCredentials(context: ExchangeContext): Promise<CredentialSummary[]> {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (principal.role !== 'operator' && principal.role !== 'auditor') throw new AppError('FORBIDDEN', 'Only the platform operator and auditors see exchange credentials.');
    const result = await this.pool.query<{ id: string; subsystem_id: string; issued_at: Date; issued_by: string; revoked_at: Date | null; revoked_by: string | null; revocation_reason: string | null }>(
      `SELECT id, subsystem_id, issued_at, issued_by, revoked_at, revoked_by, revocation_reason
         FROM exchange.client_credentials ORDER BY issued_at DESC, id DESC`,
    );
    return result.rows.map((row) => ({
      id: row.id,
      subsystemId: row.subsystem_id,
      issuedAt: row.issued_at.toISOString(),
      issuedBy: row.issued_by,
      revokedAt: row.revoked_at?.toISOString() ?? null,
      revokedBy: row.revoked_by,
      revocationReason: row.revocation_reason,
    }));
  }

  /**
   * Revokes a credential at once (operators only; audited, with a reason): the next exchange
   * request that presents it is refused, on every instance (see core/change-versions).
   */
  async revokeCredential(context: ExchangeContext, id: string, reasonInput: string): Promise<CredentialSummary> {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    const reason = reasonInput.trim();
    const entry = (outcome: 'allowed' | 'denied'): AuditEntry => ({
      actor: context.actor,
      action: 'exchange.credentials.revoke',
      purpose: 'Revoking an API credential of the once-only exchange',
      resource: `exchange/credentials/${id}`,
      outcome,
      requestId: context.requestId,
      details: { reason: reason || null },
    });
    if (principal.role !== 'operator') {
      await this.audit.append(this.pool, entry('denied'));
      throw new AppError('FORBIDDEN', 'Only the platform operator revokes exchange credentials.');
    }
    if (reason.length === 0 || reason.length > 500) {
      throw new AppError('VALIDATION_FAILED', 'A reason (1–500 characters) is required to revoke a credential.', [{ field: '/body/reason', message: 'must be 1–500 characters' }]);
    }
    return withTransaction(this.pool, async (tx) => {
      const found = await tx.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM exchange.client_credentials WHERE id = $1 FOR UPDATE', [id]);
      if (found.rowCount === 0) throw new AppError('NOT_FOUND', `There is no credential ${id}.`);
      if (found.rows[0]!.revoked_at) throw new AppError('CONFLICT', `Credential ${id} is already revoked.`);
      await tx.query('UPDATE exchange.client_credentials SET revoked_at = now(), revoked_by = $2, revocation_reason = $3 WHERE id = $1', [id, context.actor.id, reason]);
      await this.audit.append(tx, entry('allowed'));
      const row = await tx.query<{ id: string; subsystem_id: string; issued_at: Date; issued_by: string; revoked_at: Date }>(
        'SELECT id, subsystem_id, issued_at, issued_by, revoked_at FROM exchange.client_credentials WHERE id = $1',
        [id],
      );
      const r = row.rows[0]!;
      return { id: r.id, subsystemId: r.subsystem_id, issuedAt: r.issued_at.toISOString(), issuedBy: r.issued_by, revokedAt: r.revoked_at.toISOString(), revokedBy: context.actor.id, revocationReason: reason };
    });
  }

  /**
   * The data product a provider subsystem offers under a service code. The path alone decides it
   * (the catalogue of data products and their providers is public and static), before any header
   * is read and without a database round trip: a path naming no service is no route — 404
   * ROUTE_NOT_FOUND with X-Road-Error Server.ServiceUnknown — and is not audited. That the
   * provider is still in the directory is checked with everything else, in the request's
   * transaction.
   */
  async resolveService(providerId: string, serviceCode: string, messageId: string | null): Promise<DataProduct> {
    const offered = this.directory.providedProducts(providerId);
    const product = offered.find((p) => p.id === serviceCode);
    if (!product) {
      const detail = offered.length ? `${providerId} provides no service ${serviceCode}.` : `There is no provider subsystem ${providerId} in the directory.`;
      throw exchangeError('Server.ServiceUnknown', detail, { messageId, code: 'ROUTE_NOT_FOUND' });
    }
    return product;
  }

  /**
   * Serves one exchange request for `product` (from resolveService), or throws its problem (after
   * auditing the denial). Concurrent requests share one transaction (see core/group-commit); each
   * still gets its own checks, its own registry read and its own audit entry in that transaction.
   */
  async read(request: ExchangeRequest, product: DataProduct, source?: string): Promise<ExchangeResponse> {
    const retryAfter = source ? this.failedAuthentication.retryAfterSeconds(source) : 0;
    if (retryAfter > 0) {
      throw exchangeError('Client.TooManyFailures', `Too many requests with a wrong credential came from this address; try again in ${retryAfter} s.`, {
        messageId: request.messageId,
        retryAfter,
      });
    }
    try {
      return await this.batches.submit({ request, product });
    } catch (error) {
      // Every failed attempt is audited (in the batch); the one that blocks the address is audited once more, as such.
      if (source && error instanceof AppError && error.code === 'CLIENT_CREDENTIAL_INVALID' && this.failedAuthentication.recordFailure(source)) {
        await this.audit.append(this.pool, {
          actor: { id: request.client, role: 'system', org: request.clientParts.memberCode },
          action: 'exchange.throttled',
          purpose: 'Refusing an address that sent too many requests with a wrong credential',
          resource: `exchange/${request.serviceCode}`,
          outcome: 'denied',
          requestId: request.messageId,
          details: { source, failures: this.throttleOptions.maxFailures, windowSeconds: this.throttleOptions.windowMs / 1000 },
        });
      }
      throw error;
    }
  }

  /**
   * For the platform's own services (e.g. GOV24 one-stop applications) reading as one of their
   * directory subsystems: the same checks (directory, agreement, consent), minimisation, audit
   * entry and "who used my data" line as a request over HTTP, without the bearer credential —
   * the caller is this process, not a remote system. Throws the same problems.
   */
  async readForPlatform(input: {
    client: string;
    productId: string;
    subjectId: string | number;
    purposeCode: string;
    userId: string;
    issue?: string;
    messageId?: string;
  }): Promise<{ data: Record<string, unknown>; fields: string[]; messageId: string }> {
    const product = findDataProduct(input.productId);
    if (!product) throw new AppError('UNKNOWN_SERVICE', `There is no data product ${input.productId}.`);
    const clientParts = parseSubsystemId(input.client);
    if (!clientParts) throw new AppError('VALIDATION_FAILED', `${input.client} is not a subsystem id.`);
    const messageId = input.messageId ?? `platform-${randomUUID()}`;
    const subjectId = String(input.subjectId);
    const path = `/r1/${product.providerSubsystem}/${product.id}/${subjectId}`;
    const issue = input.issue ?? null;
    const request: ExchangeRequest = {
      path,
      client: input.client,
      clientParts,
      provider: product.providerSubsystem,
      serviceCode: product.id,
      subjectId,
      purposeCode: input.purposeCode,
      userId: input.userId,
      issue,
      messageId,
      secret: null,
      requestHash: requestHash({ method: 'GET', path, client: input.client, purposeCode: input.purposeCode, userId: input.userId, issue, messageId }),
    };
    const response = await this.batches.submit({ request, product, inProcess: true });
    return { data: JSON.parse(response.body.toString('utf8')) as Record<string, unknown>, fields: response.fields, messageId };
  }

  private async serveBatch(items: PendingRead[]): Promise<Array<Settled<ExchangeResponse>>> {
    let versions: ChangeVersions = new Map();
    let signatures: Promise<Array<string | null>> = Promise.resolve([]);
    const decisions = await withTransaction(this.pool, async (tx) => {
      // The in-memory copies are checked against the committed state inside this transaction.
      const checks: Checks = {
        credentials: await this.credentials.get(tx, versions),
        subsystems: await this.directory.subsystemIndex(tx, versions),
        agreements: await this.agreements.activeAgreementIndex(tx, versions),
        at: new Date(),
      };
      // Requests under an agreement without consent have their reads done together, one query
      // per product; a request involving a consent is served on its own, in order, so that two
      // requests spending one one-time consent see each other's use.
      const decided: Array<Decision | Readable> = [];
      for (const item of items) decided.push(await this.decide(tx, item, checks));
      const waitingByProduct = new Map<DataProduct, number[]>();
      decided.forEach((d, i) => {
        if ('readable' in d) waitingByProduct.set(d.product, [...(waitingByProduct.get(d.product) ?? []), i]);
      });
      for (const [product, positions] of waitingByProduct) {
        const waiting = positions.map((i) => decided[i] as Readable);
        const records = await this.registry.readDataProducts(tx, product.id, [...new Set(waiting.map((r) => r.subject))]);
        positions.forEach((i, k) => (decided[i] = this.served(waiting[k]!, records.get(waiting[k]!.subject) ?? null, null)));
      }
      const final = decided as Decision[];
      // Signing (off the event loop) overlaps the audit write and the commit; a signature leaves
      // this process only once the access is on the record, and is thrown away if the commit fails.
      signatures = Promise.all(final.map((d) => (d.allowed ? this.keys.signDetached(signedPayload(d.request.requestHash, d.body)) : null)));
      signatures.catch(() => undefined); // awaited below; a rollback must not leave it unhandled
      await this.audit.appendManyWith(tx, final.map((d) => d.entry), (first) => this.counting(final, first));
      return final;
    }, async (client) => {
      versions = await beginReadingChangeVersions(client);
    });
    const signed = await signatures;
    return decisions.map((decision, i): Settled<ExchangeResponse> => {
      if (!decision.allowed) return { ok: false, error: decision.error };
      const { request } = decision;
      return {
        ok: true,
        value: {
          body: decision.body,
          fields: decision.fields,
          headers: { 'x-road-id': request.messageId, 'x-road-request-hash': request.requestHash, 'x-road-signature': signed[i]! },
        },
      };
    });
  }

  /** The checks, in order, and the read for one request, inside the batch's transaction. */
  private async decide(tx: Tx, { request, product, inProcess }: PendingRead, checks: Checks): Promise<Decision | Readable> {
    const deny = (denial: Denial, counted: boolean, agreement: ActiveAgreement | null = null): Decision => ({
      allowed: false,
      request,
      product,
      counted,
      entry: this.entry(request, product, 'denied', agreement, [], denial.xroad),
      error: exchangeError(denial.xroad, denial.detail, { messageId: request.messageId, field: denial.field, code: denial.code }),
    });
    // 1. The credential must be valid for the client the request names.
    const holder = inProcess ? request.client : request.secret ? checks.credentials.get(sha256(request.secret).toString('hex')) : undefined;
    if (holder !== request.client) {
      return deny({ xroad: 'Client.AuthenticationFailed', detail: 'Authorization: Bearer <credential> of the X-Road-Client subsystem is required.' }, false);
    }
    // 2. The client must (still) be a consumer in the directory.
    const client = checks.subsystems.get(request.client);
    if (!client || client.role === 'provider') {
      return deny({ xroad: 'Client.UnknownClient', detail: `${request.client} is not a consumer subsystem in the directory.` }, false);
    }
    // 2b. The provider must (still) be in the directory.
    if (!checks.subsystems.has(request.provider)) {
      return deny({ xroad: 'Server.ServiceUnknown', detail: `There is no subsystem ${request.provider} in the directory.`, code: 'UNKNOWN_SERVICE' }, false);
    }
    // 3. The subject id must be of the product's kind.
    const subject = normalizeSubjectId(product.subject, request.subjectId);
    if (subject === null) {
      const expected = product.subject === 'resident' ? 'a resident id (a positive whole number)' : 'a business registration number (1234567890 or 123-45-67890)';
      return deny({ xroad: 'Client.BadRequest', detail: `The subject of ${product.id} is ${expected}.`, field: '/params/subjectId' }, true);
    }
    // 4. An active agreement for client, product and purpose, or the resident's own consent.
    const agreement = checks.agreements.find({ clientSubsystem: request.client, productId: product.id, purposeCode: request.purposeCode, at: checks.at });
    const residentId = product.subject === 'resident' && typeof subject === 'number' ? subject : null;
    const consentQuery = residentId === null ? null : { residentId, recipientSubsystem: request.client, productId: product.id, purposeCode: request.purposeCode, at: checks.at };
    const findConsent = () => (consentQuery && this.consents ? this.consents.findActiveConsent(tx, consentQuery) : Promise.resolve(null));
    let consent: { id: string; purposeText: string } | null = null;
    if (!agreement) {
      // The MyData path: no agreement, but the resident's own active consent for this client.
      consent = await findConsent();
      if (!consent) {
        const consented = consentQuery && this.consents ? await this.consents.anyConsent(tx, consentQuery) : false;
        if (consented) {
          return deny(
            { xroad: 'Client.ConsentRequired', detail: `The data subject's consent for ${request.client} to use ${product.id} for ${request.purposeCode} is not active (paused, withdrawn, expired or used up).` },
            true,
          );
        }
        return deny({ xroad: 'Client.AgreementMissing', detail: `No active agreement lets ${request.client} use ${product.id} for ${request.purposeCode}.` }, true);
      }
    } else if (agreement.consentRequired) {
      consent = await findConsent();
      if (!consent) {
        return deny(
          {
            xroad: 'Client.ConsentRequired',
            detail: `Agreement ${agreement.id} requires the data subject's active consent for ${request.client} to use ${product.id} for ${request.purposeCode}; there is none.`,
          },
          true,
          agreement,
        );
      }
    }
    // 5. The read: later, with the batch's other reads of this product, unless a consent is involved.
    if (!consent) return { readable: true, request, product, subject, agreement: agreement! };
    const record = await this.registry.readDataProduct(tx, product.id, subject);
    if (record && this.consents) await this.consents.recordUse(tx, consent.id, product.id);
    return this.served({ readable: true, request, product, subject, agreement }, record, consent);
  }

  /** The answer to a request whose checks passed: the record minimised to the approved fields, or a denial when there is no such subject. */
  private served({ request, product, agreement }: Readable, record: Record<string, unknown> | null, consent: { id: string; purposeText: string } | null): Decision {
    if (!record) {
      const detail = `${product.id} has no subject ${request.subjectId}.`;
      return {
        allowed: false,
        request,
        product,
        counted: true,
        entry: this.entry(request, product, 'denied', agreement, [], 'Server.SubjectUnknown'),
        error: exchangeError('Server.SubjectUnknown', detail, { messageId: request.messageId }),
      };
    }
    // An agreement approves exact fields; a consent covers whole data products.
    const approved = new Set(agreement ? agreement.fields : product.fields.map((f) => f.name));
    const minimised: Record<string, unknown> = {};
    for (const field of product.fields) {
      if (approved.has(field.name) && Object.hasOwn(record, field.name)) minimised[field.name] = record[field.name];
    }
    const fields = Object.keys(minimised);
    return {
      allowed: true,
      request,
      product,
      counted: true,
      entry: this.entry(request, product, 'allowed', agreement, fields, null, consent),
      body: Buffer.from(JSON.stringify(minimised), 'utf8'),
      fields,
    };
  }

  /** Requests per client subsystem × data product in one month (Korea time). Public; no personal data. */
  async statistics(month: string): Promise<MonthlyStatistics> {
    const match = MONTH.exec(month);
    if (!match) throw new AppError('VALIDATION_FAILED', 'month must be YYYY-MM', [{ field: '/query/month', message: 'must be YYYY-MM' }]);
    const result = await this.pool.query<{ client_subsystem: string; client_agency: string; product_id: string; allowed: number; denied: number }>(
      `SELECT client_subsystem, client_agency, product_id, sum(allowed)::bigint AS allowed, sum(denied)::bigint AS denied
         FROM exchange.monthly_counts WHERE month = $1::date
        GROUP BY client_subsystem, client_agency, product_id ORDER BY client_subsystem, product_id`,
      [`${month}-01`],
    );
    return {
      month,
      rows: result.rows.map((r) => ({ clientSubsystem: r.client_subsystem, clientAgency: r.client_agency, productId: r.product_id, allowed: r.allowed, denied: r.denied })),
    };
  }

  /** The audit entry of one exchange request, in the format the data-use tracker reads. */
  private entry(
    request: ExchangeRequest,
    product: DataProduct | undefined,
    outcome: 'allowed' | 'denied',
    agreement: ActiveAgreement | null,
    fields: string[],
    denial: XRoadErrorCode | null,
    consent: { id: string; purposeText: string } | null = null,
  ): AuditEntry {
    const subject = product?.subject === 'resident' ? normalizeSubjectId('resident', request.subjectId) : null;
    return {
      actor: { id: request.client, role: 'system', org: request.clientParts.memberCode },
      action: 'exchange.read',
      purpose: outcome === 'allowed' && agreement ? agreement.purposeText : outcome === 'allowed' && consent ? consent.purposeText : request.purposeCode,
      resource: `exchange/${request.serviceCode}`,
      outcome,
      subjectResidentId: typeof subject === 'number' ? subject : null,
      requestId: request.messageId,
      details: {
        agreementId: agreement?.id ?? null,
        productId: request.serviceCode,
        clientSubsystem: request.client,
        providerSubsystem: request.provider,
        purposeCode: request.purposeCode,
        fields,
        covert: agreement?.covert ?? false,
        userId: request.userId,
        issue: request.issue,
        denial,
        // Only when a consent let the request through: the entry names it.
        ...(consent ? { consentId: consent.id } : {}),
      },
    };
  }

  /**
   * The statement adding the batch's requests to the public monthly counters, one row per
   * client × product, its parameters numbered from `first` (it runs with the audit insert).
   */
  private counting(decisions: Decision[], first: number): { sql: string; params: unknown[] } {
    const rows = new Map<string, { client: string; agency: string; product: string; allowed: number; denied: number }>();
    for (const d of decisions) {
      if (!d.counted) continue;
      const key = `${d.request.client}\n${d.product.id}`;
      const row = rows.get(key) ?? { client: d.request.client, agency: d.request.clientParts.memberCode, product: d.product.id, allowed: 0, denied: 0 };
      if (d.allowed) row.allowed += 1;
      else row.denied += 1;
      rows.set(key, row);
    }
    // A fixed order, so two batches updating the same rows take their locks in the same order.
    const sorted = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
    const $ = (i: number) => `$${first + i}`;
    return {
      sql: `INSERT INTO exchange.monthly_counts (month, client_subsystem, client_agency, product_id, shard, allowed, denied)
            SELECT date_trunc('month', now() AT TIME ZONE 'Asia/Seoul')::date, c, a, p, ${$(5)}::smallint, al, de
              FROM unnest(${$(0)}::text[], ${$(1)}::text[], ${$(2)}::text[], ${$(3)}::bigint[], ${$(4)}::bigint[]) AS t(c, a, p, al, de)
            ON CONFLICT (month, client_subsystem, product_id, shard)
            DO UPDATE SET allowed = monthly_counts.allowed + EXCLUDED.allowed, denied = monthly_counts.denied + EXCLUDED.denied`,
      params: [sorted.map((r) => r.client), sorted.map((r) => r.agency), sorted.map((r) => r.product), sorted.map((r) => r.allowed), sorted.map((r) => r.denied), Math.floor(Math.random() * SHARDS)],
    };
  }
}
