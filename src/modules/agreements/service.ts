// The agreements module owns access agreements (schema `agreements`): which client subsystem may use
// which data product, for what purpose, under which legal basis, which exact fields and until when;
// and their life: requested → holder and operator decisions (either order) → active or rejected;
// active ⇄ suspended; expired once the validity ends. Every change and its history row commit in one
// transaction with its audit entry and an `agreements.changed` event; refused attempts are audited as
// denied. The exchange asks `findActiveAgreement` before serving data, and the X-Road directory's
// `allowedMethods` answers from `allowedMethods`.
import type { AuditActor, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import type { Pool, Queryable, Tx } from '../../core/db';
import { withTransaction } from '../../core/db';
import { AppError } from '../../core/errors';
import { VersionedCache, type ChangeVersions } from '../../core/change-versions';
import { parseSubsystemId } from '../directory';
import type { EventBus } from '../../core/events';
import type { Locale } from '../../core/i18n';
import { DATA_PRODUCT_CATALOGUE, type DataProduct, type ProductCatalogue, type Subsystem, type SubsystemDirectory } from './ports';
import * as repository from './repository';
import {
  canRead,
  canRequestFor,
  decisionCapacity,
  REASON_MAX,
  statusAfterDecision,
  suspensionCapacity,
  validateRequest,
  type AgreementStatus,
  type Capacity,
  type Decision,
  type RequestInput,
} from './rules';

export interface AgreementContext {
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
  /** Language of validation messages. */
  locale?: Locale;
}

export interface AgreementDecision {
  decision: Decision;
  at: string;
  by: string;
  agency: string | null;
}

export interface Agreement {
  id: string;
  status: AgreementStatus;
  clientSubsystem: string;
  clientAgency: string;
  productId: string;
  providerSubsystem: string;
  holderAgency: string;
  purposeCode: string;
  purposeText: string;
  legalBasis: string;
  fields: string[];
  validFrom: string;
  validUntil: string;
  consentRequired: boolean;
  covert: boolean;
  holderDecision: Decision | null;
  operatorDecision: Decision | null;
  requestedBy: string;
  requestedAt: string;
  activatedAt: string | null;
  updatedAt: string;
}

export interface HistoryEntry {
  action: 'request' | 'approve' | 'reject' | 'suspend' | 'resume';
  capacity: Capacity;
  actorId: string;
  actorRole: string;
  actorAgency: string | null;
  reason: string | null;
  statusAfter: string;
  at: string;
}

export interface AgreementDetail extends Agreement {
  history: HistoryEntry[];
}

/** What the exchange needs to serve data under an agreement. */
/** Active agreements by client subsystem and data product (see activeAgreementIndex). */
export class ActiveAgreementIndex {
  private readonly byClientAndProduct = new Map<string, repository.AgreementRow[]>();

  constructor(rows: repository.AgreementRow[]) {
    // rows come newest activation first; each list keeps that order.
    for (const row of rows) {
      const key = `${row.client_subsystem}\n${row.product_id}`;
      const list = this.byClientAndProduct.get(key);
      if (list) list.push(row);
      else this.byClientAndProduct.set(key, [row]);
    }
  }

  find(query: { clientSubsystem: string; productId: string; purposeCode?: string; at?: Date }): ActiveAgreement | null {
    const at = (query.at ?? new Date()).getTime();
    const row = this.byClientAndProduct
      .get(`${query.clientSubsystem}\n${query.productId}`)
      ?.find((r) => r.valid_from.getTime() <= at && r.valid_until.getTime() > at && (query.purposeCode === undefined || r.purpose_code === query.purposeCode));
    return row ? toActiveAgreement(row) : null;
  }
}

function toActiveAgreement(row: repository.AgreementRow): ActiveAgreement {
  return {
    id: row.id,
    fields: row.fields,
    consentRequired: row.consent_required,
    covert: row.covert,
    purposeCode: row.purpose_code,
    purposeText: row.purpose_text,
    validUntil: row.valid_until,
  };
}

export interface ActiveAgreement {
  id: string;
  fields: string[];
  consentRequired: boolean;
  covert: boolean;
  purposeCode: string;
  purposeText: string;
  validUntil: Date;
}

/** A service (data product) a client may call on a provider, in X-Road terms. */
export interface AllowedMethod {
  providerSubsystem: string;
  serviceCode: string;
  agreementId: string;
}

export interface ListQuery {
  status?: AgreementStatus;
  side?: 'client' | 'holder';
  awaitingMyDecision?: boolean;
  limit?: number;
  offset?: number;
}

/** What a principal may do with one agreement now (for pages: which buttons to show). */
export interface AllowedActions {
  decideAs: 'holder' | 'operator' | null;
  suspend: boolean;
  resume: boolean;
}

type Action = 'request' | 'approve' | 'reject' | 'suspend' | 'resume';

export class AgreementsService {
  private readonly products: ProductCatalogue;
  private readonly events: EventBus | undefined;
  private readonly activeIndex = new VersionedCache('agreements.agreements', async (db) => new ActiveAgreementIndex(await repository.listActive(db)));

  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly directory: SubsystemDirectory,
    options: { products?: ProductCatalogue; events?: EventBus } = {},
  ) {
    this.products = options.products ?? DATA_PRODUCT_CATALOGUE;
    this.events = options.events;
  }

  /** Every data product agreements may cover (for forms). */
  listProducts(): readonly DataProduct[] {
    return this.products.list();
  }

  findProduct(id: string): DataProduct | undefined {
    return this.products.find(id);
  }

  findSubsystem(id: string): Promise<Subsystem | undefined> {
    return this.directory.findSubsystem(id);
  }

  listSubsystems(): Promise<Subsystem[]> {
    return this.directory.listSubsystems();
  }

  /** The subsystems an official may request agreements for: their agency's consuming subsystems. */
  async requestableSubsystems(principal: Principal): Promise<Subsystem[]> {
    if (principal.role !== 'official') return [];
    const all = await this.directory.listSubsystems();
    return all.filter((s) => s.memberCode === principal.agencyCode && s.role !== 'provider');
  }

  /** An official applies for an agreement for one of their agency's subsystems. */
  async request(context: AgreementContext, input: RequestInput): Promise<AgreementDetail> {
    const principal = this.signedIn(context);
    const attempted = { action: 'agreements.request', resource: 'agreements', purpose: purposeOf(input.purposeCode, input.purposeText) };
    if (principal.role !== 'official') {
      return this.deny(context, attempted, 'only officials of the client agency may request agreements');
    }
    const client = await this.directory.findSubsystem(input.clientSubsystem);
    if (client && !canRequestFor(principal, client.memberCode)) {
      return this.deny(context, attempted, `officials of ${principal.agencyCode} may not request agreements for ${client.id}`, {
        clientSubsystem: client.id,
      });
    }
    const product = this.products.find(input.productId);
    const checked = validateRequest(input, { client, product }, { now: new Date(), locale: context.locale ?? 'en' });
    if (!checked.ok) {
      throw new AppError('VALIDATION_FAILED', checked.problems.map((p) => `${p.field}: ${p.message}`).join('; '), checked.problems);
    }
    const valid = checked.value;
    const provider = await this.directory.findSubsystem(valid.product.providerSubsystem);
    const holderAgency = provider?.memberCode ?? holderAgencyOf(valid.product.providerSubsystem);
    return withTransaction(this.pool, async (tx) => {
      const row = await repository.insertAgreement(tx, {
        clientSubsystem: valid.client.id,
        clientAgency: valid.client.memberCode,
        productId: valid.product.id,
        providerSubsystem: valid.product.providerSubsystem,
        holderAgency,
        purposeCode: valid.purposeCode,
        purposeText: valid.purposeText,
        legalBasis: valid.legalBasis,
        fields: valid.fields,
        validFrom: valid.validFrom,
        validUntil: valid.validUntil,
        consentRequired: valid.consentRequired,
        covert: valid.covert,
        requestedBy: principal.accountId,
      });
      await this.record(tx, context, row, 'request', 'client', null);
      return this.detail(tx, row);
    });
  }

  /** Agreements the caller may see: officials their agency's (as client or holder), operators and auditors all. */
  async list(context: AgreementContext, query: ListQuery = {}): Promise<{ items: Agreement[]; total: number; limit: number; offset: number }> {
    const principal = this.signedIn(context);
    if (principal.role === 'resident' || (principal.role === 'official' && !principal.agencyCode)) {
      return this.deny(context, { action: 'agreements.list', resource: 'agreements', purpose: 'agreement administration' }, 'residents have no access to agreements');
    }
    const limit = Math.min(Math.max(query.limit ?? 20, 1), 100);
    const offset = Math.max(query.offset ?? 0, 0);
    const official = principal.role === 'official';
    let awaiting: 'holder' | 'operator' | undefined;
    if (query.awaitingMyDecision) {
      if (principal.role === 'auditor') return { items: [], total: 0, limit, offset };
      awaiting = official ? 'holder' : 'operator';
    }
    const { rows, total } = await repository.listAgreements(this.pool, {
      agency: official ? principal.agencyCode! : undefined,
      side: official ? (awaiting === 'holder' ? 'holder' : query.side) : undefined,
      status: query.status,
      awaiting,
      limit,
      offset,
    });
    return { items: rows.map(toAgreement), total, limit, offset };
  }

  /** One agreement with its history, for its parties, the operator and auditors. */
  async get(context: AgreementContext, id: string): Promise<AgreementDetail> {
    const principal = this.signedIn(context);
    const row = await repository.findAgreement(this.pool, id);
    if (principal.role === 'resident') {
      return this.deny(context, { action: 'agreements.read', resource: `agreements/${id}`, purpose: 'agreement administration' }, 'residents have no access to agreements');
    }
    if (!row) throw new AppError('NOT_FOUND', `No agreement ${id}.`);
    if (!canRead(principal, partiesOf(row))) {
      return this.deny(context, { action: 'agreements.read', resource: `agreements/${id}`, purpose: purposeOf(row.purpose_code, row.purpose_text) }, 'not a party to this agreement');
    }
    return this.detail(this.pool, row);
  }

  /** What the principal may do with the agreement now. */
  allowedActions(principal: Principal | null, agreement: Agreement): AllowedActions {
    const none = { decideAs: null, suspend: false, resume: false };
    if (!principal) return none;
    const parties = { clientAgency: agreement.clientAgency, holderAgency: agreement.holderAgency };
    const capacity = decisionCapacity(principal, parties);
    if (!capacity) return none;
    const decided = capacity === 'holder' ? agreement.holderDecision : agreement.operatorDecision;
    return {
      decideAs: agreement.status === 'requested' && decided === null ? capacity : null,
      suspend: agreement.status === 'active' && suspensionCapacity(principal, parties) !== null,
      resume: agreement.status === 'suspended' && suspensionCapacity(principal, parties) !== null,
    };
  }

  /**
   * The holder's official or the operator approves or rejects a request. Both approvals (in either
   * order) make it active; one rejection rejects it for good.
   */
  async decide(context: AgreementContext, id: string, input: { decision: Decision; reason?: string }): Promise<AgreementDetail> {
    const principal = this.signedIn(context);
    const action = input.decision === 'approve' ? 'agreements.approve' : 'agreements.reject';
    const existing = await this.readable(context, id, action);
    const capacity = decisionCapacity(principal, partiesOf(existing));
    if (!capacity) {
      return this.deny(context, { action, resource: `agreements/${id}`, purpose: purposeOf(existing.purpose_code, existing.purpose_text) }, 'only an official of the data-holding agency or the platform operator may decide');
    }
    const reason = checkReason(input.reason, input.decision === 'reject', context.locale);
    return withTransaction(this.pool, async (tx) => {
      const row = (await repository.findAgreement(tx, id, { forUpdate: true }))!;
      if (row.effective_status === 'expired') throw new AppError('CONFLICT', `Agreement ${id} has expired.`);
      if (row.status !== 'requested') throw new AppError('CONFLICT', `Agreement ${id} is ${row.status}; only requested agreements are decided.`);
      const given = capacity === 'holder' ? row.holder_decision : row.operator_decision;
      if (given !== null) throw new AppError('CONFLICT', `The ${capacity} decision on ${id} was already given (${given}).`);
      const decisions = {
        holder: capacity === 'holder' ? input.decision : row.holder_decision,
        operator: capacity === 'operator' ? input.decision : row.operator_decision,
      };
      const status = statusAfterDecision(decisions);
      const updated = await repository.updateStatus(tx, id, {
        status,
        ...(capacity === 'holder' ? { holderDecision: input.decision } : { operatorDecision: input.decision }),
        activate: status === 'active',
      });
      await this.record(tx, context, updated, input.decision, capacity, reason);
      return this.detail(tx, updated);
    });
  }

  /** The holder's official or the operator stops an active agreement for now; a reason is required. */
  suspend(context: AgreementContext, id: string, reason: string): Promise<AgreementDetail> {
    return this.changeSuspension(context, id, 'suspend', reason);
  }

  /** The holder's official or the operator lets a suspended agreement be used again. */
  resume(context: AgreementContext, id: string, reason?: string): Promise<AgreementDetail> {
    return this.changeSuspension(context, id, 'resume', reason);
  }

  private async changeSuspension(context: AgreementContext, id: string, verb: 'suspend' | 'resume', reasonInput: string | undefined): Promise<AgreementDetail> {
    const principal = this.signedIn(context);
    const action = `agreements.${verb}`;
    const existing = await this.readable(context, id, action);
    const capacity = suspensionCapacity(principal, partiesOf(existing));
    if (!capacity) {
      return this.deny(context, { action, resource: `agreements/${id}`, purpose: purposeOf(existing.purpose_code, existing.purpose_text) }, 'only an official of the data-holding agency or the platform operator may suspend or resume');
    }
    const reason = checkReason(reasonInput, verb === 'suspend', context.locale);
    return withTransaction(this.pool, async (tx) => {
      const row = (await repository.findAgreement(tx, id, { forUpdate: true }))!;
      if (row.effective_status === 'expired') throw new AppError('CONFLICT', `Agreement ${id} has expired.`);
      const from = verb === 'suspend' ? 'active' : 'suspended';
      if (row.status !== from) throw new AppError('CONFLICT', `Agreement ${id} is ${row.status}; only ${from} agreements can be ${verb === 'suspend' ? 'suspended' : 'resumed'}.`);
      const updated = await repository.updateStatus(tx, id, { status: verb === 'suspend' ? 'suspended' : 'active' });
      await this.record(tx, context, updated, verb, capacity, reason);
      return this.detail(tx, updated);
    });
  }

  /**
   * The agreement under which `clientSubsystem` may use `productId` at `at` (default now): active,
   * inside its validity (never an expired one), for `purposeCode` when given; null when there is
   * none. Runs on the caller's connection, so the exchange can check inside its own transaction.
   */
  async findActiveAgreement(
    db: Queryable,
    query: { clientSubsystem: string; productId: string; purposeCode?: string; at?: Date },
  ): Promise<ActiveAgreement | null> {
    const row = await repository.findActive(db, { ...query, at: query.at ?? new Date() });
    return row ? toActiveAgreement(row) : null;
  }

  /**
   * The active agreements as an in-memory index for the exchange's hot path, exact as of the
   * caller's transaction: reloaded there whenever agreements changed (see core/change-versions).
   * `find` answers as findActiveAgreement does.
   */
  activeAgreementIndex(db: Queryable, versions: ChangeVersions): Promise<ActiveAgreementIndex> {
    return this.activeIndex.get(db, versions);
  }

  /**
   * The data products any subsystem of the agency `agencyCode` may read now under an active
   * agreement (the data catalogue shows an agency's officials the restricted entries it has agreed).
   */
  agreedProducts(agencyCode: string): Promise<string[]> {
    return repository.activeProductsForMember(this.pool, { memberCode: agencyCode, at: new Date() });
  }

  /**
   * The services (data products) `clientSubsystem` may call now under active agreements, on one
   * provider subsystem or on all; each once, with the agreement that allows it.
   */
  async allowedMethods(clientSubsystem: string, providerSubsystem?: string): Promise<AllowedMethod[]> {
    const rows = await repository.activeForClient(this.pool, { clientSubsystem, providerSubsystem, at: new Date() });
    const seen = new Set<string>();
    const methods: AllowedMethod[] = [];
    for (const row of rows) {
      const key = `${row.provider_subsystem} ${row.product_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      methods.push({ providerSubsystem: row.provider_subsystem, serviceCode: row.product_id, agreementId: row.id });
    }
    return methods;
  }

  /**
   * allowedMethods as the directory service answers it: the caller must be an official of the
   * client's agency (or the operator, or an auditor); client and provider must be in the directory.
   */
  async allowedMethodsFor(context: AgreementContext, clientSubsystem: string, providerSubsystem: string): Promise<AllowedMethod[]> {
    const principal = this.signedIn(context);
    const header = (message: string) => new AppError('VALIDATION_FAILED', `X-Road-Client: ${message}`, [{ field: '/headers/x-road-client', message }]);
    const clientId = parseSubsystemId(clientSubsystem);
    if (!clientId) throw header('must be INSTANCE/CLASS/MEMBER/SUBSYSTEM');
    const attempted = { action: 'agreements.allowed-methods', resource: `directory/${providerSubsystem}`, purpose: 'service discovery' };
    const mayAsk = principal.role === 'operator' || principal.role === 'auditor' || (principal.role === 'official' && principal.agencyCode === clientId.memberCode);
    if (!mayAsk) return this.deny(context, attempted, 'only officials of the client\'s agency may list its allowed methods', { clientSubsystem });
    const client = await this.directory.findSubsystem(clientSubsystem);
    if (!client) throw header('is not a subsystem in the directory');
    const provider = await this.directory.findSubsystem(providerSubsystem);
    if (!provider) throw new AppError('UNKNOWN_SUBSYSTEM', `There is no subsystem ${providerSubsystem} in the directory.`);
    return this.allowedMethods(client.id, provider.id);
  }

  private signedIn(context: AgreementContext): Principal {
    if (!context.principal) throw new AppError('UNAUTHENTICATED');
    return context.principal;
  }

  /** The agreement, if it exists and the caller may see it; a refusal is audited under `action`. */
  private async readable(context: AgreementContext, id: string, action: string): Promise<repository.AgreementRow> {
    const principal = this.signedIn(context);
    const row = await repository.findAgreement(this.pool, id);
    if (principal.role === 'resident' || principal.role === 'auditor') {
      const reason = principal.role === 'auditor' ? 'auditors read agreements but take no decisions' : 'residents have no access to agreements';
      return this.deny(context, { action, resource: `agreements/${id}`, purpose: row ? purposeOf(row.purpose_code, row.purpose_text) : 'agreement administration' }, reason);
    }
    if (!row) throw new AppError('NOT_FOUND', `No agreement ${id}.`);
    if (!canRead(principal, partiesOf(row))) {
      return this.deny(context, { action, resource: `agreements/${id}`, purpose: purposeOf(row.purpose_code, row.purpose_text) }, 'not a party to this agreement');
    }
    return row;
  }

  /** Audits a refusal on its own (there is no change for it to commit with) and throws 403. */
  private async deny(
    context: AgreementContext,
    attempted: { action: string; resource: string; purpose: string },
    reason: string,
    details: Record<string, unknown> = {},
  ): Promise<never> {
    await this.audit.append(this.pool, {
      actor: context.actor,
      action: attempted.action,
      purpose: attempted.purpose,
      resource: attempted.resource,
      outcome: 'denied',
      requestId: context.requestId,
      details: { reason, ...details },
    });
    throw new AppError('FORBIDDEN', `${reason[0]!.toUpperCase()}${reason.slice(1)}.`);
  }

  /** History row, audit entry and event of one change, in the change's transaction. */
  private async record(tx: Tx, context: AgreementContext, row: repository.AgreementRow, action: Action, capacity: Capacity, reason: string | null): Promise<void> {
    const principal = context.principal!;
    await repository.insertDecision(tx, {
      agreementId: row.id,
      action,
      capacity,
      actorId: principal.accountId,
      actorRole: principal.role,
      actorAgency: principal.agencyCode,
      reason,
      statusAfter: row.status,
    });
    await this.audit.append(tx, {
      actor: context.actor,
      action: `agreements.${action}`,
      purpose: purposeOf(row.purpose_code, row.purpose_text),
      resource: `agreements/${row.id}`,
      outcome: 'allowed',
      requestId: context.requestId,
      details: {
        capacity,
        status: row.status,
        clientSubsystem: row.client_subsystem,
        productId: row.product_id,
        ...(action === 'request' ? { fields: row.fields, validUntil: row.valid_until.toISOString(), covert: row.covert } : {}),
        ...(reason ? { reason } : {}),
      },
    });
    await this.events?.publish(tx, 'agreements.changed', {
      id: row.id,
      action,
      status: row.status,
      clientSubsystem: row.client_subsystem,
      providerSubsystem: row.provider_subsystem,
      productId: row.product_id,
    });
  }

  private async detail(db: Queryable, row: repository.AgreementRow): Promise<AgreementDetail> {
    const history = await repository.decisionsOf(db, row.id);
    return {
      ...toAgreement(row),
      history: history.map((h) => ({
        action: h.action,
        capacity: h.capacity,
        actorId: h.actor_id,
        actorRole: h.actor_role,
        actorAgency: h.actor_agency,
        reason: h.reason,
        statusAfter: h.status_after,
        at: h.decided_at.toISOString(),
      })),
    };
  }
}

function partiesOf(row: repository.AgreementRow) {
  return { clientAgency: row.client_agency, holderAgency: row.holder_agency };
}

function purposeOf(code: string, text: string): string {
  return `${code}: ${text}`.slice(0, 600);
}

/** The member code of a subsystem id INSTANCE/CLASS/MEMBER/SUBSYSTEM. */
function holderAgencyOf(subsystemId: string): string {
  const parts = parseSubsystemId(subsystemId);
  if (!parts) throw new AppError('INTERNAL_ERROR', `Data product provider ${subsystemId} is not a subsystem id.`);
  return parts.memberCode;
}

function checkReason(value: string | undefined, required: boolean, locale: Locale = 'en'): string | null {
  const reason = value?.trim() ?? '';
  if (required && !reason) {
    const message = locale === 'ko' ? '사유를 적어 주세요' : 'give a reason';
    throw new AppError('VALIDATION_FAILED', `/body/reason: ${message}`, [{ field: '/body/reason', message }]);
  }
  if (reason.length > REASON_MAX) {
    const message = locale === 'ko' ? `${REASON_MAX}자 이내로 적어 주세요` : `must be at most ${REASON_MAX} characters`;
    throw new AppError('VALIDATION_FAILED', `/body/reason: ${message}`, [{ field: '/body/reason', message }]);
  }
  return reason || null;
}

export function toAgreement(row: repository.AgreementRow): Agreement {
  return {
    id: row.id,
    status: row.effective_status,
    clientSubsystem: row.client_subsystem,
    clientAgency: row.client_agency,
    productId: row.product_id,
    providerSubsystem: row.provider_subsystem,
    holderAgency: row.holder_agency,
    purposeCode: row.purpose_code,
    purposeText: row.purpose_text,
    legalBasis: row.legal_basis,
    fields: row.fields,
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until.toISOString(),
    consentRequired: row.consent_required,
    covert: row.covert,
    holderDecision: row.holder_decision,
    operatorDecision: row.operator_decision,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at.toISOString(),
    activatedAt: row.activated_at ? row.activated_at.toISOString() : null,
    updatedAt: row.updated_at.toISOString(),
  };
}
