// The Data Tracker ("who used my data", after Estonia's Data Tracker): turns the audit entries
// about one resident into a list a person can read: when, who (organisation and system), what
// (data product and fields), why (purpose), the outcome, and under which agreement.
//
// What the list shows (the decisions, in one place):
// - Every audit entry whose subject is the resident: exchange reads by agencies' systems, officials'
//   and other people's attempts (allowed or denied), and the resident's own sign-ins, reads and
//   changes, labelled as "you". Nothing is hidden, except:
// - covert accesses (details.covert = true, only LAW-ENFORCEMENT agreements may be covert) are
//   hidden from the resident; auditors see them, flagged;
// - the resident's own views of this list ('tracker.read'): they are audited, but listing them
//   would add a line each time the list is opened.
// - Another resident who tried to read this resident's data is shown as "another person", never
//   by name or account; officials are shown by their organisation, not by name (as in Estonia).
//   Auditors see the actor's account id as well.
// An auditor's review of a resident's list is audited as 'tracker.audit-read' and IS shown to the
// resident: an auditor looking at who used your data is itself a use of your data.
// Periods are calendar days in Korean time (Asia/Seoul, UTC+9), both ends inclusive.
import type { AuditActor, AuditLog, AuditRecord } from '../../core/audit';
import type { Principal } from '../../core/auth';
import { withTransaction, type Pool } from '../../core/db';
import { AppError } from '../../core/errors';
import { periodBounds } from '../../core/period';
import type { Message } from '../../core/i18n';
import { findPurpose } from '../agreements/purposes';
import type { DirectoryService } from '../directory';
import { findDataProduct } from '../registry/data-products';

export const TRACKER_READ = 'tracker.read';
export const TRACKER_AUDIT_READ = 'tracker.audit-read';
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 20;

export interface UsageQuery {
  periodStart?: string;
  periodEnd?: string;
  offset: number;
  limit: number;
}

export type ActorKind = 'you' | 'system' | 'official' | 'operator' | 'auditor' | 'another-person' | 'anonymous';

export interface DataUsage {
  /** When it happened (ISO 8601). */
  logtime: string;
  /** The reason in words a person understands. */
  action: Message;
  /** The audit action code, e.g. exchange.read. */
  actionCode: string;
  actorKind: ActorKind;
  /** The organisation that used the data (agency code), or null for the resident and other people. */
  receiverCode: string | null;
  receiverName: Message;
  /** The information system (X-Road subsystem id) that received the data, when one did. */
  receiverSystem: string | null;
  receiverSystemName: Message | null;
  dataProduct: { id: string; title: Message } | null;
  fields: string[];
  purpose: { code: string | null; text: string };
  outcome: 'allowed' | 'denied' | 'failed';
  agreementId: string | null;
  requestId: string | null;
  /** Auditors only. */
  covert?: boolean;
  /** Auditors only: the acting account or subsystem. */
  actorId?: string;
}

export interface DataUsagePage {
  items: DataUsage[];
  total: number;
  offset: number;
  limit: number;
  periodStart: string | null;
  periodEnd: string | null;
}

const ACTIONS: Record<string, Message> = {
  'exchange.read': { ko: '정보공동이용으로 조회', en: 'Looked up through the once-only data exchange' },
  'registry.resident-record.read': { ko: '주민등록 정보 열람', en: 'Viewed the resident-register record' },
  'identity.sign-in': { ko: '로그인', en: 'Signed in' },
  // GOV24 one-stop applications (src/modules/applications).
  'applications.prefill': { ko: '신청서 자동 채움', en: 'Filled in an application form from the registries' },
  'applications.prefill-declined': { ko: '행정정보 공동이용 동의하지 않음', en: 'Declined the use of administrative information' },
  'applications.submit': { ko: '서비스 신청', en: 'Applied for a service' },
  'applications.list': { ko: '내 신청 내역 열람', en: 'Viewed own applications' },
  'applications.read': { ko: '신청 내용 열람', en: 'Viewed an application' },
  'applications.case.read': { ko: '담당 기관이 신청 건 열람', en: 'An agency viewed an application case' },
  'applications.case.decide': { ko: '담당 기관이 신청 건 처리', en: 'An agency decided on an application case' },
  // Life events recorded in the registries (src/modules/registry/life-events.ts).
  'registry.birth.register': { ko: '출생신고 등록', en: 'Registered a birth' },
  'registry.move.register': { ko: '전입신고 등록', en: 'Registered a move' },
  'registry.disability.register': { ko: '장애인 등록', en: 'Registered a disability' },
  'registry.income.record': { ko: '소득 확정 기록', en: 'Recorded an income assessment' },
  // Benefits decided from the registers (src/modules/eligibility, src/modules/proactive).
  'proactive.evaluate': { ko: '받을 수 있는 혜택 자동 확인', en: 'Checked which benefits you can get (proactive notice)' },
  'eligibility.resident.evaluated': { ko: '혜택 자격 확인', en: 'Checked your eligibility for benefits' },
  // Notices (src/modules/notifications).
  'notifications.create': { ko: '알림 발송', en: 'Sent you a notice' },
  'notifications.list': { ko: '알림함 열람', en: 'Viewed the inbox' },
  'notifications.read': { ko: '알림 열람', en: 'Opened a notice' },
  'notifications.mark-read': { ko: '알림 읽음 표시', en: 'Marked a notice as read' },
  'notifications.preferences.read': { ko: '알림 설정 열람', en: 'Viewed the notice settings' },
  'notifications.preferences.update': { ko: '알림 설정 변경', en: 'Changed the notice settings' },
  'identity.sign-out': { ko: '로그아웃', en: 'Signed out' },
  'identity.contact-details.read': { ko: '연락처 열람', en: 'Viewed the contact details' },
  'identity.contact-details.update': { ko: '연락처 변경', en: 'Changed the contact details' },
  // Mobile ID (src/modules/mobile-id).
  'mobile-id.issue': { ko: '모바일 신분증 발급', en: 'Issued your Mobile ID' },
  'mobile-id.revoke': { ko: '모바일 신분증 효력 정지(분실 신고·재발급)', en: 'Revoked your Mobile ID (reported lost or replaced)' },
  'mobile-id.verify': { ko: '모바일 신분증으로 신원·자격 확인', en: 'Checked your identity or age with your Mobile ID' },
  'mobile-id.list': { ko: '모바일 신분증 열람', en: 'Viewed your Mobile ID' },
  // Rationed distribution (src/modules/rationing): a pharmacy checked the purchase limit and sold.
  'rationing.sale': { ko: '공적 물품 구매 한도 확인 및 판매 기록(약국 등)', en: 'Checked your purchase limit and recorded a rationed sale (e.g. masks at a pharmacy)' },
  // The document wallet and e-certificates (src/modules/wallet).
  'wallet.credential.issue': { ko: '전자증명서 발급', en: 'Issued an e-certificate' },
  'wallet.credential.revoke': { ko: '발급기관이 전자증명서 폐기', en: 'The issuing agency revoked an e-certificate' },
  'wallet.credential.read': { ko: '전자증명서 열람', en: 'Viewed an e-certificate' },
  'wallet.list': { ko: '전자문서지갑 열람', en: 'Viewed the document wallet' },
  'wallet.share': { ko: '전자증명서 제공 동의', en: 'Shared an e-certificate under a MyData consent' },
  'wallet.share.fetch': { ko: '받는 곳이 전자증명서를 받아 감', en: 'A recipient fetched a shared e-certificate' },
  [TRACKER_AUDIT_READ]: { ko: '감사인이 정보 이용 내역을 확인', en: 'An auditor reviewed who used your data' },
  [TRACKER_READ]: { ko: '정보 이용 내역 확인', en: 'Viewed who used the data' },
};

const PEOPLE: Record<'you' | 'another-person' | 'anonymous', Message> = {
  you: { ko: '본인', en: 'You' },
  'another-person': { ko: '다른 사람', en: 'Another person' },
  anonymous: { ko: '로그인하지 않은 사용자', en: 'Someone not signed in' },
};

/** Organisations that act on the platform but are not exchange members in the directory. */
const OTHER_ORGANISATIONS: Record<string, Message> = {
  BAI: { ko: '감사원', en: 'Board of Audit and Inspection' },
};

/** Identity's account id for a resident (src/modules/identity/service.ts, residentAccount). */
export function residentAccountId(residentId: number): string {
  return `resident-${residentId}`;
}

export interface TrackerContext {
  principal: Principal;
  actor: AuditActor;
  requestId: string;
}

export class TrackerService {
  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly directory: DirectoryService,
  ) {}

  /** The signed-in resident's own list: covert accesses and their own views of it left out. */
  async forResident(context: TrackerContext, query: UsageQuery): Promise<DataUsagePage> {
    const residentId = context.principal.role === 'resident' ? context.principal.residentId : null;
    if (residentId === null) throw new AppError('FORBIDDEN', 'Only residents have a list of who used their data.');
    const bounds = periodBounds(query.periodStart, query.periodEnd);
    const page = await withTransaction(this.pool, async (tx) => {
      const found = await this.audit.listBySubject(
        residentId,
        { ...bounds, offset: query.offset, limit: query.limit, includeCovert: false, excludeActions: [TRACKER_READ] },
        tx,
      );
      await this.audit.append(tx, {
        actor: context.actor,
        action: TRACKER_READ,
        purpose: 'self-service: see who used own data',
        resource: `tracker/residents/${residentId}`,
        subjectResidentId: residentId,
        outcome: 'allowed',
        requestId: context.requestId,
        details: { periodStart: query.periodStart ?? null, periodEnd: query.periodEnd ?? null, offset: query.offset, limit: query.limit },
      });
      return found;
    });
    return this.present(page, residentId, query, false);
  }

  /** Any resident's list for an auditor, covert accesses included and flagged; audited, refusals too. */
  async forAuditor(context: TrackerContext, residentId: number, query: UsageQuery): Promise<DataUsagePage> {
    const entry = {
      actor: context.actor,
      action: TRACKER_AUDIT_READ,
      purpose: 'audit: review who used a resident\'s data',
      resource: `tracker/residents/${residentId}`,
      subjectResidentId: residentId,
      requestId: context.requestId,
    };
    if (context.principal.role !== 'auditor') {
      await this.audit.append(this.pool, { ...entry, outcome: 'denied' });
      throw new AppError('FORBIDDEN', 'Only auditors may review another resident\'s data usage.');
    }
    const bounds = periodBounds(query.periodStart, query.periodEnd);
    const page = await withTransaction(this.pool, async (tx) => {
      // Read first, then record the review: the auditor's own review is not in the page it produced.
      const found = await this.audit.listBySubject(
        residentId,
        { ...bounds, offset: query.offset, limit: query.limit, includeCovert: true, excludeActions: [TRACKER_READ] },
        tx,
      );
      await this.audit.append(tx, { ...entry, outcome: 'allowed', details: { periodStart: query.periodStart ?? null, periodEnd: query.periodEnd ?? null } });
      return found;
    });
    return this.present(page, residentId, query, true);
  }

  private async present(
    page: { items: AuditRecord[]; total: number },
    residentId: number,
    query: UsageQuery,
    forAuditor: boolean,
  ): Promise<DataUsagePage> {
    const needsDirectory = page.items.some((e) => e.actorOrg !== null || e.actorRole === 'system');
    const [members, subsystems] = needsDirectory
      ? await Promise.all([this.directory.listMembers(), this.directory.listSubsystems()])
      : [[], []];
    const organisations = new Map<string, Message>(Object.entries(OTHER_ORGANISATIONS));
    for (const member of members) organisations.set(member.memberCode, member.name);
    const systems = new Map(subsystems.map((s) => [s.id, s.name] as const));
    return {
      items: page.items.map((entry) => toUsage(entry, residentId, organisations, systems, forAuditor)),
      total: page.total,
      offset: query.offset,
      limit: query.limit,
      periodStart: query.periodStart ?? null,
      periodEnd: query.periodEnd ?? null,
    };
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function actorKind(entry: AuditRecord, residentId: number): ActorKind {
  switch (entry.actorRole) {
    case 'resident':
      return entry.actorId === residentAccountId(residentId) ? 'you' : 'another-person';
    case 'system':
    case 'official':
    case 'operator':
    case 'auditor':
      return entry.actorRole;
    default:
      return 'anonymous';
  }
}

export function toUsage(
  entry: AuditRecord,
  residentId: number,
  organisations: ReadonlyMap<string, Message>,
  systems: ReadonlyMap<string, Message>,
  forAuditor: boolean,
): DataUsage {
  const details = entry.details ?? {};
  const kind = actorKind(entry, residentId);
  const code = kind === 'you' || kind === 'another-person' || kind === 'anonymous' ? null : entry.actorOrg;
  const receiverName: Message =
    kind === 'you' || kind === 'another-person' || kind === 'anonymous'
      ? PEOPLE[kind]
      : (code && organisations.get(code)) || { ko: code ?? '알 수 없는 기관', en: code ?? 'Unknown organisation' };
  const receiverSystem = kind === 'system' ? (text(details.clientSubsystem) ?? entry.actorId) : null;
  const productId = text(details.productId) ?? (entry.resource.startsWith('exchange/') ? entry.resource.slice('exchange/'.length) : null);
  const product = productId ? findDataProduct(productId) : undefined;
  const purposeCode = text(details.purposeCode);
  const purpose = purposeCode ? findPurpose(purposeCode) : undefined;
  const label = ACTIONS[entry.action] ?? { ko: `기타 처리 (${entry.action})`, en: `Other processing (${entry.action})` };
  const usage: DataUsage = {
    logtime: entry.occurredAt.toISOString(),
    // The reason: the catalogue's purpose when there is one (exchange reads), else what was done.
    action: purpose ? purpose.title : label,
    actionCode: entry.action,
    actorKind: kind,
    receiverCode: code,
    receiverName,
    receiverSystem,
    receiverSystemName: receiverSystem ? (systems.get(receiverSystem) ?? null) : null,
    dataProduct: productId ? { id: productId, title: product?.title ?? { ko: productId, en: productId } } : null,
    fields: Array.isArray(details.fields) ? details.fields.filter((f): f is string => typeof f === 'string') : [],
    purpose: { code: purposeCode, text: entry.purpose },
    outcome: entry.outcome,
    agreementId: text(details.agreementId),
    requestId: entry.requestId,
  };
  if (forAuditor) {
    usage.covert = details.covert === true;
    usage.actorId = entry.actorId;
  }
  return usage;
}
