// GOV24 one-stop applications: a resident applies for one service or a bundle (행복출산 원스톱서비스)
// with a form the platform fills from the registries, and each service becomes a case at the agency
// that decides it. GOV24 reads as its own exchange client (KR/GOV/MOIS/gov24) through
// ExchangeService.readForPlatform, under standing agreements (purpose CIVIL-PETITION, consent
// required) set up at start-up through the agreements workflow, and only after the resident agreed
// on the "consent to use of administrative information" screen: each read then spends a one-time
// MyData consent, is audited by the exchange and shows on the resident's "who used my data" page.
//
// The flow: consent screen → agree (one-time consents granted, registries read once, the values
// kept in a draft) or decline (a draft asking for uploads) → form → submit. On submission the
// resident confirms consent again; the platform re-reads every product and refuses values that
// differ from the registry (400 naming the field). An idempotency key makes a second submission of
// the same form answer the first application. Officials see and decide only their agency's cases.
import { randomUUID } from 'node:crypto';
import type { AuditActor, AuditEntry, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import { withTransaction, type Pool, type Queryable, type Tx } from '../../core/db';
import { AppError, type FieldProblem } from '../../core/errors';
import { koreanDate } from '../../core/period';
import type { EventBus } from '../../core/events';
import type { Message } from '../../core/i18n';
import type { AgreementContext, AgreementsService } from '../agreements';
import type { ConsentService } from '../consent';
import type { ExchangeService } from '../exchange';
import type { DataProduct } from '../registry/data-products';
import type { CatalogueService, ServiceCatalogue } from '../services';
import {
  answerFields,
  checkAnswers,
  checkPrefilled,
  fetchedProducts,
  prefillFields,
  servicesNeeding,
  type AnswerField,
  type FormMode,
  type PrefillField,
} from './form';

/** GOV24's consumer subsystem in the exchange directory (migration 0050). */
export const GOV24_SUBSYSTEM = 'KR/GOV/MOIS/gov24';
export const GOV24_PURPOSE = 'CIVIL-PETITION';
/** How long a pre-fill (and its consent) lasts before the resident is asked again. */
export const DRAFT_HOURS = 24;

export const CASE_STATUSES = ['received', 'in-review', 'approved', 'rejected'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
/** Which status a case may move to from each status; approved and rejected are final. */
export const NEXT_STATUSES: Record<CaseStatus, readonly CaseStatus[]> = {
  received: ['in-review', 'approved', 'rejected'],
  'in-review': ['approved', 'rejected'],
  approved: [],
  rejected: [],
};
export const REASON_MAX = 1000;

export const APPLICATION_ID_PATTERN = '^APP-[0-9]{4}-[0-9]{6,}$';
export const CASE_ID_PATTERN = '^CASE-[0-9]{4}-[0-9]{6,}$';
const APPLICATION_ID = new RegExp(APPLICATION_ID_PATTERN);
const CASE_ID = new RegExp(CASE_ID_PATTERN);
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,100}$/;

export type ApplicationTarget = { kind: 'service' | 'bundle'; id: string };

export interface ApplicationsContext {
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
}

/** One data product on the consent screen: what is read, from whom, for which services, why. */
export interface ProductToRead {
  productId: string;
  title: Message;
  holderAgency: { code: string; name: Message };
  holderSystem: string;
  fields: Array<{ name: string; title: Message }>;
  services: Array<{ id: string; name: Message }>;
  agreementId: string;
  purposeCode: string;
  purposeText: string;
  legalBasis: string;
}

export interface ConsentScreen {
  target: ApplicationTarget;
  name: Message;
  recipient: string;
  services: Array<{ id: string; name: Message; agency: { code: string; name: Message } }>;
  products: ProductToRead[];
  /** What the resident hands in if they decline. */
  uploadsInstead: AnswerField[];
  /** Documents asked as uploads even after agreeing (GOV24 has no active agreement for them now). */
  uploadsAnyway: AnswerField[];
}

export interface ApplicationForm {
  target: ApplicationTarget;
  name: Message;
  mode: FormMode;
  services: Array<{ id: string; name: Message; agency: { code: string; name: Message } }>;
  prefilled: PrefillField[];
  answers: AnswerField[];
  idempotencyKey: string;
  expiresAt: string;
}

export interface CaseHistoryEntry {
  status: CaseStatus;
  reason: string | null;
  actorRole: string;
  actorAgency: string | null;
  at: string;
}

export interface ApplicationCase {
  id: string;
  applicationId: string;
  serviceId: string;
  serviceName: Message;
  agency: { code: string; name: Message };
  status: CaseStatus;
  reason: string | null;
  updatedAt: string;
  history: CaseHistoryEntry[];
}

export interface Application {
  id: string;
  residentId: number;
  target: ApplicationTarget;
  name: Message;
  mode: FormMode;
  submittedAt: string;
  prefilled: PrefillField[];
  answers: Record<string, string>;
  reads: ReadRecord[];
  cases: ApplicationCase[];
}

/** A case as its agency's official sees it: the application's data that service needs. */
export interface CaseDetail extends ApplicationCase {
  applicant: { residentId: number; name: Message };
  submittedAt: string;
  mode: FormMode;
  prefilled: PrefillField[];
  answers: Record<string, string>;
  allowedNext: CaseStatus[];
}

interface ReadRecord {
  productId: string;
  messageId: string;
  fields: string[];
}

export interface SubmitInput {
  target: ApplicationTarget;
  idempotencyKey: string;
  /** The resident's own entries (payment account, file names of uploads). */
  answers: Record<string, unknown>;
  /** The resident agrees that the registries are read to check the application (registry mode). */
  consent: boolean;
  /** Pre-filled values as shown on the form; each must equal the registry's. */
  prefilled?: Record<string, unknown>;
  /** The HTML form sends every pre-filled field: a missing one is refused too. */
  prefilledComplete?: boolean;
  /** Pointer prefixes for problems (the form posts flat names, the API nested objects). */
  pointers?: { answers: string; prefilled: string; consent: string };
}

interface ResolvedTarget {
  target: ApplicationTarget;
  name: Message;
  services: CatalogueService[];
}

interface DraftRow {
  id: string;
  resident_id: number;
  target: string;
  mode: FormMode;
  prefilled: PrefillField[];
  reads: ReadRecord[];
  idempotency_key: string;
  expires_at: Date;
}

interface ApplicationRow {
  id: string;
  resident_id: number;
  target: string;
  mode: FormMode;
  prefilled: PrefillField[];
  answers: Record<string, string>;
  reads: ReadRecord[];
  submitted_at: Date;
}

interface CaseRow {
  id: string;
  application_id: string;
  position: number;
  service_id: string;
  agency_code: string;
  status: CaseStatus;
  reason: string | null;
  updated_at: Date;
}

const LEGAL_BASIS = '「전자정부법」 제36조·제42조, 「민원 처리에 관한 법률」 제10조의2 (Electronic Government Act, Articles 36 and 42; Civil Petitions Treatment Act, Article 10-2)';
const AGREEMENT_PURPOSE =
  '정부24 원스톱 신청서를 행정정보로 미리 채우고 접수할 때 확인하여 구비서류를 받지 않음 · Pre-filling GOV24 one-stop application forms from administrative information and checking them at submission, so residents hand in no paper documents';
/** Staff in whose name GOV24's standing agreements are requested and approved (demo GPKI accounts). */
const REQUESTING_OFFICIAL = 'MOIS-0001';
const OPERATOR = 'MOIS-OPS-01';

function targetKey(target: ApplicationTarget): string {
  return `${target.kind}:${target.id}`;
}

function parseTargetKey(key: string): ApplicationTarget {
  const [kind, id] = key.split(':') as ['service' | 'bundle', string];
  return { kind, id };
}

function kstYear(): string {
  return koreanDate().slice(0, 4);
}

export class ApplicationsService {
  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
    private readonly catalogue: ServiceCatalogue,
    private readonly exchange: ExchangeService,
    private readonly agreements: AgreementsService,
    private readonly consents: ConsentService,
  ) {}

  // ── Standing agreements ────────────────────────────────────────────────────────────────────

  /** The resident data products any catalogue service needs: what GOV24 has agreements for. */
  standingProducts(): DataProduct[] {
    return fetchedProducts(this.catalogue.allServices());
  }

  /**
   * Makes sure GOV24 has an active agreement (purpose CIVIL-PETITION, consent required, every
   * field) for each product its services need, through the real workflow: a MOIS official
   * requests, the holder agency's official and the operator approve. Idempotent: products with an
   * agreement valid for another 30 days are left alone; a request left half-decided is finished;
   * a product whose agreement was suspended or rejected is left as decided (asked as an upload).
   * Serialised across instances by an advisory lock. Returns the active agreement ids.
   */
  async ensureStandingAgreements(): Promise<string[]> {
    const lock = await this.pool.connect();
    try {
      await lock.query("SELECT pg_advisory_lock(hashtext('applications.standing-agreements'))");
      const ids: string[] = [];
      const soon = new Date(Date.now() + 30 * 86_400_000);
      for (const product of this.standingProducts()) {
        const active = await this.agreements.findActiveAgreement(this.pool, { clientSubsystem: GOV24_SUBSYSTEM, productId: product.id, purposeCode: GOV24_PURPOSE, at: soon });
        if (active) {
          ids.push(active.id);
          continue;
        }
        const holderAgency = product.providerSubsystem.split('/')[2]!;
        const operator = systemContext(staffPrincipal(OPERATOR, 'operator', 'MOIS'));
        const holder = systemContext(staffPrincipal(`${holderAgency}-0001`, 'official', holderAgency));
        const ours = async (status: 'requested' | 'suspended' | 'rejected') =>
          (await this.agreements.list(operator, { status, limit: 100 })).items.filter(
            (a) => a.clientSubsystem === GOV24_SUBSYSTEM && a.productId === product.id && a.purposeCode === GOV24_PURPOSE,
          );
        // A holder or the operator who suspended or rejected GOV24's use of a product decided so:
        // a restart must not undo it. Residents then hand that document in as an upload.
        if ((await ours('suspended')).length > 0 || (await ours('rejected')).length > 0) continue;
        const pending = (await ours('requested'))[0];
        let agreement = pending ?? (await this.agreements.request(systemContext(staffPrincipal(REQUESTING_OFFICIAL, 'official', 'MOIS')), {
          clientSubsystem: GOV24_SUBSYSTEM,
          productId: product.id,
          purposeCode: GOV24_PURPOSE,
          purposeText: AGREEMENT_PURPOSE,
          legalBasis: LEGAL_BASIS,
          fields: product.fields.map((f) => f.name),
          validUntil: new Date(Date.now() + (5 * 365 - 1) * 86_400_000).toISOString(),
          consentRequired: true,
        }));
        if (agreement.holderDecision === null) agreement = await this.agreements.decide(holder, agreement.id, { decision: 'approve', reason: 'GOV24 one-stop applications' });
        if (agreement.operatorDecision === null) agreement = await this.agreements.decide(operator, agreement.id, { decision: 'approve', reason: 'GOV24 one-stop applications' });
        ids.push(agreement.id);
      }
      return ids;
    } finally {
      await lock.query("SELECT pg_advisory_unlock(hashtext('applications.standing-agreements'))").catch(() => undefined);
      lock.release();
    }
  }

  // ── Targets ────────────────────────────────────────────────────────────────────────────────

  /** A service or bundle to apply for (404 problems for unknown ids). */
  private resolve(target: ApplicationTarget): ResolvedTarget {
    if (target.kind === 'bundle') {
      const bundle = this.catalogue.getBundle(target.id);
      return { target, name: bundle.name, services: this.catalogue.bundleServices(bundle) };
    }
    const service = this.catalogue.getService(target.id);
    return { target, name: service.name, services: [service] };
  }

  private serviceSummaries(resolved: ResolvedTarget) {
    return resolved.services.map((s) => ({ id: s.id, name: s.name, agency: { code: s.agency.code, name: s.agency.name } }));
  }

  // ── Consent screen and pre-fill ────────────────────────────────────────────────────────────

  /** What agreeing would let GOV24 read, product by product, and what declining asks instead. Reads nothing. */
  async consentScreen(context: ApplicationsContext, target: ApplicationTarget): Promise<ConsentScreen> {
    this.residentOf(context);
    const resolved = this.resolve(target);
    const products: ProductToRead[] = [];
    const { unreadable } = await this.readability(resolved);
    for (const product of fetchedProducts(resolved.services)) {
      const agreement = await this.agreements.findActiveAgreement(this.pool, { clientSubsystem: GOV24_SUBSYSTEM, productId: product.id, purposeCode: GOV24_PURPOSE });
      if (!agreement) continue;
      const detail = await this.agreements.get(systemContext(staffPrincipal(OPERATOR, 'operator', 'MOIS')), agreement.id);
      const holderCode = product.providerSubsystem.split('/')[2]!;
      const holderSubsystem = await this.agreements.findSubsystem(product.providerSubsystem);
      products.push({
        productId: product.id,
        title: product.title,
        holderAgency: { code: holderCode, name: this.catalogue.findAgency(holderCode)?.name ?? { ko: holderCode, en: holderCode } },
        holderSystem: holderSubsystem ? `${holderSubsystem.name.ko} / ${holderSubsystem.name.en}` : product.providerSubsystem,
        fields: product.fields.filter((f) => agreement.fields.includes(f.name)).map((f) => ({ name: f.name, title: f.title })),
        services: servicesNeeding(resolved.services, product.id).map((s) => ({ id: s.id, name: s.name })),
        agreementId: agreement.id,
        purposeCode: agreement.purposeCode,
        purposeText: agreement.purposeText,
        legalBasis: detail.legalBasis,
      });
    }
    return {
      target,
      name: resolved.name,
      recipient: GOV24_SUBSYSTEM,
      services: this.serviceSummaries(resolved),
      products,
      uploadsInstead: answerFields(resolved.services, 'uploads'),
      uploadsAnyway: answerFields(resolved.services, 'registry', unreadable).filter((f) => f.kind === 'upload'),
    };
  }

  /**
   * Which of the products the services need GOV24 can read now (an active agreement) and which
   * not (none, or suspended by the holder): those are asked as uploads even with consent.
   */
  private async readability(resolved: ResolvedTarget): Promise<{ readable: DataProduct[]; unreadable: Set<string> }> {
    const readable: DataProduct[] = [];
    const unreadable = new Set<string>();
    for (const product of fetchedProducts(resolved.services)) {
      const agreement = await this.agreements.findActiveAgreement(this.pool, { clientSubsystem: GOV24_SUBSYSTEM, productId: product.id, purposeCode: GOV24_PURPOSE });
      if (agreement) readable.push(product);
      else unreadable.add(product.id);
    }
    return { readable, unreadable };
  }

  /**
   * The resident's decision on the consent screen. Agree: one one-time consent per product
   * (recipient GOV24), then each product read once through the exchange and kept in a draft for
   * the form. Decline: nothing is read; the draft asks for uploads instead.
   */
  async decidePrefill(context: ApplicationsContext, target: ApplicationTarget, decision: 'agree' | 'decline'): Promise<ApplicationForm> {
    const residentId = this.residentOf(context);
    const resolved = this.resolve(target);
    let prefilled: PrefillField[] = [];
    let reads: ReadRecord[] = [];
    if (decision === 'agree') {
      ({ prefilled, reads } = await this.readRegistries(context, residentId, resolved, 'prefill'));
    }
    const id = `DRF-${randomUUID()}`;
    const expiresAt = new Date(Date.now() + DRAFT_HOURS * 3_600_000);
    await withTransaction(this.pool, async (tx) => {
      await tx.query('DELETE FROM applications.drafts WHERE resident_id = $1 AND (target = $2 OR expires_at <= now())', [residentId, targetKey(target)]);
      await tx.query(
        `INSERT INTO applications.drafts (id, resident_id, target, mode, prefilled, reads, idempotency_key, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, residentId, targetKey(target), decision === 'agree' ? 'registry' : 'uploads', JSON.stringify(prefilled), JSON.stringify(reads), `form-${randomUUID()}`, expiresAt],
      );
      await this.audit.append(tx, {
        actor: context.actor,
        action: decision === 'agree' ? 'applications.prefill' : 'applications.prefill-declined',
        purpose: 'GOV24 one-stop application: pre-filling the form',
        resource: `applications/drafts/${id}`,
        outcome: 'allowed',
        subjectResidentId: residentId,
        requestId: context.requestId,
        details: { target: targetKey(target), products: reads.map((r) => r.productId) },
      });
    });
    return (await this.form(context, target))!;
  }

  /** The form to fill in, from the resident's current decision; null when the consent screen comes first. Reads no registry. */
  async form(context: ApplicationsContext, target: ApplicationTarget): Promise<ApplicationForm | null> {
    const residentId = this.residentOf(context);
    const resolved = this.resolve(target);
    const draft = (
      await this.pool.query<DraftRow>(
        'SELECT * FROM applications.drafts WHERE resident_id = $1 AND target = $2 AND expires_at > now() ORDER BY created_at DESC LIMIT 1',
        [residentId, targetKey(target)],
      )
    ).rows[0];
    if (!draft) return null;
    return {
      target,
      name: resolved.name,
      mode: draft.mode,
      services: this.serviceSummaries(resolved),
      prefilled: draft.prefilled,
      answers: answerFields(resolved.services, draft.mode, (await this.readability(resolved)).unreadable),
      idempotencyKey: draft.idempotency_key,
      expiresAt: draft.expires_at.toISOString(),
    };
  }

  /** Starts over: forgets the resident's decision and pre-filled values for this target. */
  async discardDraft(context: ApplicationsContext, target: ApplicationTarget): Promise<void> {
    const residentId = this.residentOf(context);
    await this.pool.query('DELETE FROM applications.drafts WHERE resident_id = $1 AND target = $2', [residentId, targetKey(target)]);
  }

  /** One-time consents for GOV24, then one exchange read per product; the form fields from what came back. */
  private async readRegistries(context: ApplicationsContext, residentId: number, resolved: ResolvedTarget, stage: 'prefill' | 'submission') {
    const products = (await this.readability(resolved)).readable;
    const purposeText =
      stage === 'prefill'
        ? `${resolved.name.ko} 신청서 자동 채움(구비서류 생략) · Filling in the application "${resolved.name.en}" without paper documents`
        : `${resolved.name.ko} 신청 접수 시 행정정보 확인 · Checking the application "${resolved.name.en}" at submission`;
    for (const product of products) {
      await this.consents.grant(context, {
        recipient: GOV24_SUBSYSTEM,
        purposeCode: GOV24_PURPOSE,
        purposeText,
        dataTypes: [product.id],
        consentExpiry: new Date(Date.now() + DRAFT_HOURS * 3_600_000).toISOString(),
        fetchType: 'ONETIME',
        dataLife: { unit: 'YEAR', value: 5 },
      });
    }
    const issue = `GOV24-${targetKey(resolved.target)}`;
    const answers = await Promise.all(
      products.map((product) =>
        this.exchange.readForPlatform({ client: GOV24_SUBSYSTEM, productId: product.id, subjectId: residentId, purposeCode: GOV24_PURPOSE, userId: context.actor.id, issue }),
      ),
    );
    const records = new Map(products.map((product, i) => [product.id, answers[i]!.data]));
    return {
      prefilled: prefillFields(products, records),
      reads: products.map((product, i) => ({ productId: product.id, messageId: answers[i]!.messageId, fields: answers[i]!.fields })),
    };
  }

  // ── Submission ─────────────────────────────────────────────────────────────────────────────

  /**
   * Submits an application: the same idempotency key answers the application it created before
   * (`created: false`); otherwise answers are checked, the registries re-read (registry mode) and
   * compared with the submitted pre-filled values, and the application is stored with one case
   * per service, each `received` at its agency, in one transaction with its audit entry.
   */
  async submit(context: ApplicationsContext, input: SubmitInput): Promise<{ application: Application; created: boolean }> {
    const residentId = this.residentOf(context);
    const pointers = input.pointers ?? { answers: '/body/answers', prefilled: '/body/prefilled', consent: '/body/consent' };
    if (typeof input.idempotencyKey !== 'string' || !IDEMPOTENCY_KEY.test(input.idempotencyKey)) {
      throw new AppError('VALIDATION_FAILED', 'idempotencyKey must be 8–100 letters, digits, dots, colons, underscores or hyphens.', [
        { field: '/body/idempotencyKey', message: 'must be 8–100 characters of A–Z a–z 0–9 . _ : -' },
      ]);
    }
    const resolved = this.resolve(input.target);
    // One submission per resident and key at a time in this process, so a double click waits for
    // the first and answers its application without reading the registries again. Across
    // instances the unique (resident, key) constraint keeps it to one application.
    const lockKey = `${residentId}:${input.idempotencyKey}`;
    const previous = this.submissions.get(lockKey) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.submitOnce(context, residentId, resolved, input, pointers));
    const tail = run.catch(() => undefined);
    this.submissions.set(lockKey, tail);
    try {
      return await run;
    } finally {
      if (this.submissions.get(lockKey) === tail) this.submissions.delete(lockKey);
    }
  }

  private readonly submissions = new Map<string, Promise<unknown>>();

  private async submitOnce(
    context: ApplicationsContext,
    residentId: number,
    resolved: ResolvedTarget,
    input: SubmitInput,
    pointers: { answers: string; prefilled: string; consent: string },
  ): Promise<{ application: Application; created: boolean }> {
    const replay = async (): Promise<{ application: Application; created: boolean } | null> => {
      const existing = await this.findByKey(this.pool, residentId, input.idempotencyKey);
      if (!existing) return null;
      if (existing.target !== targetKey(input.target)) {
        throw new AppError('CONFLICT', `The idempotency key was already used for another application (${existing.id}).`, [{ field: '/body/idempotencyKey', message: 'already used for another application' }]);
      }
      return { application: await this.toApplication(this.pool, existing), created: false };
    };
    const earlier = await replay();
    if (earlier) return earlier;

    const mode: FormMode = input.consent ? 'registry' : 'uploads';
    const fields = answerFields(resolved.services, mode, (await this.readability(resolved)).unreadable);
    const { answers, problems } = checkAnswers(fields, input.answers ?? {}, pointers.answers);
    if (mode === 'uploads' && input.prefilled && Object.keys(input.prefilled).length > 0) {
      problems.push({ field: pointers.consent, message: 'registry values can only be used with consent to reading them' });
    }
    if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);

    let prefilled: PrefillField[] = [];
    let reads: ReadRecord[] = [];
    if (mode === 'registry') {
      ({ prefilled, reads } = await this.readRegistries(context, residentId, resolved, 'submission'));
      const tampered = checkPrefilled(prefilled, input.prefilled ?? {}, pointers.prefilled, input.prefilledComplete ?? false);
      if (tampered.length) {
        await this.audit.append(this.pool, {
          actor: context.actor,
          action: 'applications.submit',
          purpose: 'GOV24 one-stop application',
          resource: 'applications',
          outcome: 'denied',
          subjectResidentId: residentId,
          requestId: context.requestId,
          details: { target: targetKey(input.target), reason: 'pre-filled values differ from the registry', fields: tampered.map((p) => p.field) },
        });
        throw new AppError('VALIDATION_FAILED', `Values filled in from the registries were changed: ${tampered.map((p) => p.field).join(', ')}`, tampered);
      }
    }

    const row = await withTransaction(this.pool, async (tx) => {
      const year = kstYear();
      const number = (await tx.query<{ n: number }>("SELECT nextval('applications.application_number') AS n")).rows[0]!.n;
      const id = `APP-${year}-${String(number).padStart(6, '0')}`;
      const inserted = await tx.query<ApplicationRow>(
        `INSERT INTO applications.applications (id, resident_id, target, idempotency_key, mode, prefilled, answers, reads)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (resident_id, idempotency_key) DO NOTHING RETURNING *`,
        [id, residentId, targetKey(input.target), input.idempotencyKey, mode, JSON.stringify(prefilled), JSON.stringify(answers), JSON.stringify(reads)],
      );
      // Another instance stored this key first: nothing more to do here.
      if (inserted.rows.length === 0) return null;
      const caseIds: string[] = [];
      for (const [position, service] of resolved.services.entries()) {
        const caseNumber = (await tx.query<{ n: number }>("SELECT nextval('applications.case_number') AS n")).rows[0]!.n;
        const caseId = `CASE-${year}-${String(caseNumber).padStart(6, '0')}`;
        caseIds.push(caseId);
        await tx.query(
          `INSERT INTO applications.cases (id, application_id, position, service_id, agency_code, status) VALUES ($1, $2, $3, $4, $5, 'received')`,
          [caseId, id, position + 1, service.id, service.agency.code],
        );
        await tx.query(
          `INSERT INTO applications.case_history (case_id, seq, status, actor_id, actor_role, actor_agency) VALUES ($1, 1, 'received', $2, $3, NULL)`,
          [caseId, context.actor.id, context.actor.role],
        );
      }
      await tx.query('DELETE FROM applications.drafts WHERE resident_id = $1 AND target = $2', [residentId, targetKey(input.target)]);
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'applications.submit',
        purpose: 'GOV24 one-stop application',
        resource: `applications/${id}`,
        outcome: 'allowed',
        subjectResidentId: residentId,
        requestId: context.requestId,
        details: { applicationId: id, target: targetKey(input.target), mode, cases: caseIds, reads: reads.map((r) => r.messageId) },
      });
      await this.events.publish(tx, 'applications.submitted', {
        applicationId: id,
        residentId,
        target: input.target,
        cases: resolved.services.map((s, i) => ({ caseId: caseIds[i], serviceId: s.id, agencyCode: s.agency.code })),
      });
      return inserted.rows[0]!;
    });
    if (!row) return (await replay())!;
    return { application: await this.toApplication(this.pool, row), created: true };
  }

  private async findByKey(db: Queryable, residentId: number, key: string): Promise<ApplicationRow | undefined> {
    return (await db.query<ApplicationRow>('SELECT * FROM applications.applications WHERE resident_id = $1 AND idempotency_key = $2', [residentId, key])).rows[0];
  }

  // ── The resident's applications ────────────────────────────────────────────────────────────

  /** The signed-in resident's applications, newest first, each with its cases (audited). */
  async listMine(context: ApplicationsContext): Promise<Application[]> {
    const residentId = this.residentOf(context);
    const rows = await this.pool.query<ApplicationRow>('SELECT * FROM applications.applications WHERE resident_id = $1 ORDER BY submitted_at DESC, id DESC LIMIT 200', [residentId]);
    const list = await Promise.all(rows.rows.map((row) => this.toApplication(this.pool, row)));
    await this.audit.append(this.pool, {
      actor: context.actor,
      action: 'applications.list',
      purpose: 'self-service: own applications',
      resource: 'applications',
      outcome: 'allowed',
      subjectResidentId: residentId,
      requestId: context.requestId,
      details: { count: list.length },
    });
    return list;
  }

  /** One of the signed-in resident's applications; anyone else's is 404 (audited as denied). */
  async getMine(context: ApplicationsContext, id: string): Promise<Application> {
    const residentId = this.residentOf(context);
    const row = APPLICATION_ID.test(id) ? (await this.pool.query<ApplicationRow>('SELECT * FROM applications.applications WHERE id = $1', [id])).rows[0] : undefined;
    const entry = (outcome: 'allowed' | 'denied', subject: number | null): AuditEntry => ({
      actor: context.actor,
      action: 'applications.read',
      purpose: outcome === 'allowed' ? 'self-service: own application' : 'not permitted: application of another person',
      resource: `applications/${id}`,
      outcome,
      subjectResidentId: subject,
      requestId: context.requestId,
    });
    if (!row || Number(row.resident_id) !== residentId) {
      if (row) await this.audit.append(this.pool, entry('denied', Number(row.resident_id)));
      throw new AppError('NOT_FOUND', `There is no application ${id}.`);
    }
    await this.audit.append(this.pool, entry('allowed', residentId));
    return this.toApplication(this.pool, row);
  }

  // ── Officials' cases ───────────────────────────────────────────────────────────────────────

  /** The cases of the official's own agency, newest change first (audited). */
  async listCases(context: ApplicationsContext, query: { status?: CaseStatus } = {}): Promise<ApplicationCase[]> {
    const agency = this.agencyOf(context);
    const rows = await this.pool.query<CaseRow>(
      `SELECT * FROM applications.cases WHERE agency_code = $1 AND ($2::text IS NULL OR status = $2) ORDER BY updated_at DESC, id DESC LIMIT 500`,
      [agency, query.status ?? null],
    );
    const history = await this.historyOf(this.pool, rows.rows.map((r) => r.id));
    await this.audit.append(this.pool, {
      actor: context.actor,
      action: 'applications.cases.list',
      purpose: 'processing applications of the agency',
      resource: `applications/cases?agency=${agency}`,
      outcome: 'allowed',
      requestId: context.requestId,
      details: { agency, count: rows.rows.length, status: query.status ?? null },
    });
    return rows.rows.map((row) => this.toCase(row, history.get(row.id) ?? []));
  }

  /** One case of the official's agency, with the application data that service needs (audited; another agency's: 404, audited as denied). */
  async getCase(context: ApplicationsContext, id: string): Promise<CaseDetail> {
    return withTransaction(this.pool, async (tx) => {
      const { row, application } = await this.caseOfMyAgency(tx, context, id, 'applications.case.read');
      await this.audit.append(tx, this.caseEntry(context, 'applications.case.read', 'allowed', row, application));
      return this.toCaseDetail(tx, row, application);
    });
  }

  /** Moves a case on (received → in-review → approved | rejected; a reason is required to reject), audited; the resident sees it. */
  async decide(context: ApplicationsContext, id: string, input: { status: string; reason?: string }): Promise<CaseDetail> {
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    const problems: FieldProblem[] = [];
    if (!(CASE_STATUSES as readonly string[]).includes(input.status) || input.status === 'received') {
      problems.push({ field: '/body/status', message: 'must be in-review, approved or rejected' });
    }
    if (input.status === 'rejected' && reason.length === 0) problems.push({ field: '/body/reason', message: 'give the reason for rejecting' });
    if (reason.length > REASON_MAX) problems.push({ field: '/body/reason', message: `must be at most ${REASON_MAX} characters` });
    this.agencyOf(context);
    const outcome = await withTransaction(this.pool, async (tx) => {
      const { row, application } = await this.caseOfMyAgency(tx, context, id, 'applications.case.decide', true);
      if (problems.length) return new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
      const next = input.status as CaseStatus;
      if (!NEXT_STATUSES[row.status].includes(next)) {
        await this.audit.append(tx, this.caseEntry(context, 'applications.case.decide', 'denied', row, application, { from: row.status, to: next, reason: 'not allowed from the current status' }));
        return new AppError('CONFLICT', `Case ${id} is ${row.status}; it cannot become ${next}.`, [{ field: '/body/status', message: `not allowed from ${row.status}` }]);
      }
      const updated = (
        await tx.query<CaseRow>('UPDATE applications.cases SET status = $2, reason = $3, updated_at = now() WHERE id = $1 RETURNING *', [id, next, reason || null])
      ).rows[0]!;
      await tx.query(
        `INSERT INTO applications.case_history (case_id, seq, status, reason, actor_id, actor_role, actor_agency)
         SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6 FROM applications.case_history WHERE case_id = $1`,
        [id, next, reason || null, context.actor.id, context.actor.role, context.actor.org ?? null],
      );
      await this.audit.append(tx, this.caseEntry(context, 'applications.case.decide', 'allowed', updated, application, { from: row.status, to: next, reason: reason || null }));
      await this.events.publish(tx, 'applications.case-decided', {
        caseId: id,
        applicationId: application.id,
        residentId: Number(application.resident_id),
        serviceId: row.service_id,
        agencyCode: row.agency_code,
        status: next,
        reason: reason || null,
      });
      return this.toCaseDetail(tx, updated, application);
    });
    if (outcome instanceof AppError) throw outcome;
    return outcome;
  }

  private async caseOfMyAgency(tx: Tx, context: ApplicationsContext, id: string, action: string, forUpdate = false): Promise<{ row: CaseRow; application: ApplicationRow }> {
    const agency = this.agencyOf(context);
    const row = CASE_ID.test(id) ? (await tx.query<CaseRow>(`SELECT * FROM applications.cases WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id])).rows[0] : undefined;
    if (!row) throw new AppError('NOT_FOUND', `There is no case ${id}.`);
    const application = (await tx.query<ApplicationRow>('SELECT * FROM applications.applications WHERE id = $1', [row.application_id])).rows[0]!;
    if (row.agency_code !== agency) {
      // Committed on its own: the refusal is on the record even though this transaction rolls back.
      await this.audit.append(this.pool, this.caseEntry(context, action, 'denied', row, application, { reason: `a case of ${row.agency_code}, not of ${agency}` }));
      throw new AppError('NOT_FOUND', `There is no case ${id}.`);
    }
    return { row, application };
  }

  private caseEntry(context: ApplicationsContext, action: string, outcome: 'allowed' | 'denied', row: CaseRow, application: ApplicationRow, details: Record<string, unknown> = {}): AuditEntry {
    return {
      actor: context.actor,
      action,
      purpose: `processing a GOV24 application (${row.service_id})`,
      resource: `applications/cases/${row.id}`,
      outcome,
      subjectResidentId: Number(application.resident_id),
      requestId: context.requestId,
      details: { caseId: row.id, applicationId: application.id, serviceId: row.service_id, agencyCode: row.agency_code, ...details },
    };
  }

  // ── Mapping ────────────────────────────────────────────────────────────────────────────────

  private async historyOf(db: Queryable, caseIds: string[]): Promise<Map<string, CaseHistoryEntry[]>> {
    const map = new Map<string, CaseHistoryEntry[]>();
    if (caseIds.length === 0) return map;
    const rows = await db.query<{ case_id: string; status: CaseStatus; reason: string | null; actor_role: string; actor_agency: string | null; at: Date }>(
      'SELECT case_id, status, reason, actor_role, actor_agency, at FROM applications.case_history WHERE case_id = ANY ($1) ORDER BY case_id, seq',
      [caseIds],
    );
    for (const r of rows.rows) {
      const list = map.get(r.case_id) ?? [];
      list.push({ status: r.status, reason: r.reason, actorRole: r.actor_role, actorAgency: r.actor_agency, at: r.at.toISOString() });
      map.set(r.case_id, list);
    }
    return map;
  }

  private toCase(row: CaseRow, history: CaseHistoryEntry[]): ApplicationCase {
    const service = this.catalogue.findService(row.service_id);
    return {
      id: row.id,
      applicationId: row.application_id,
      serviceId: row.service_id,
      serviceName: service?.name ?? { ko: row.service_id, en: row.service_id },
      agency: { code: row.agency_code, name: this.catalogue.findAgency(row.agency_code)?.name ?? { ko: row.agency_code, en: row.agency_code } },
      status: row.status,
      reason: row.reason,
      updatedAt: row.updated_at.toISOString(),
      history,
    };
  }

  private async toApplication(db: Queryable, row: ApplicationRow): Promise<Application> {
    const target = parseTargetKey(row.target);
    const cases = (await db.query<CaseRow>('SELECT * FROM applications.cases WHERE application_id = $1 ORDER BY position', [row.id])).rows;
    const history = await this.historyOf(db, cases.map((c) => c.id));
    let name: Message;
    try {
      name = this.resolve(target).name;
    } catch {
      name = { ko: target.id, en: target.id };
    }
    return {
      id: row.id,
      residentId: Number(row.resident_id),
      target,
      name,
      mode: row.mode,
      submittedAt: row.submitted_at.toISOString(),
      prefilled: row.prefilled,
      answers: row.answers,
      reads: row.reads,
      cases: cases.map((c) => this.toCase(c, history.get(c.id) ?? [])),
    };
  }

  /** The case with only what its service needs of the application (minimisation between agencies). */
  private async toCaseDetail(db: Queryable, row: CaseRow, application: ApplicationRow): Promise<CaseDetail> {
    const history = await this.historyOf(db, [row.id]);
    const service = this.catalogue.findService(row.service_id);
    const products = new Set(service ? fetchedProducts([service]).map((p) => p.id) : []);
    const answerNames = new Set(service ? answerFields([service], application.mode).map((f) => f.name) : []);
    const applicantName = application.prefilled.find((f) => f.name === 'resident.basic.nameKo')?.value;
    const applicantRomanized = application.prefilled.find((f) => f.name === 'resident.basic.nameRomanized')?.value;
    return {
      ...this.toCase(row, history.get(row.id) ?? []),
      applicant: { residentId: Number(application.resident_id), name: { ko: applicantName ?? `#${application.resident_id}`, en: applicantRomanized ?? `#${application.resident_id}` } },
      submittedAt: application.submitted_at.toISOString(),
      mode: application.mode,
      prefilled: application.prefilled.filter((f) => products.has(f.productId)),
      answers: Object.fromEntries(Object.entries(application.answers).filter(([name]) => answerNames.has(name))),
      allowedNext: [...NEXT_STATUSES[row.status]],
    };
  }

  private residentOf(context: ApplicationsContext): number {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (principal.role !== 'resident' || principal.residentId === null) throw new AppError('FORBIDDEN', 'Only residents apply for services.');
    return principal.residentId;
  }

  private agencyOf(context: ApplicationsContext): string {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (principal.role !== 'official' || !principal.agencyCode) throw new AppError('FORBIDDEN', 'Only officials of an agency process its cases.');
    return principal.agencyCode;
  }
}

/** A demo GPKI staff member as a principal, for the start-up set-up of standing agreements. */
function staffPrincipal(staffId: string, role: 'official' | 'operator', agencyCode: string): Principal {
  return { accountId: `staff-${staffId}`, sessionId: 'gov24-setup', role, residentId: null, agencyCode, displayName: { ko: staffId, en: staffId } };
}

function systemContext(principal: Principal): AgreementContext {
  return { principal, actor: { id: principal.accountId, role: principal.role, org: principal.agencyCode }, requestId: `gov24-setup-${randomUUID()}` };
}

