// The staff console for access agreements, server-rendered and usable without JavaScript:
// officials see their agency's agreements as client and as data holder, request new ones (choose a
// data product, then its fields) and decide on requests for their agency's data; the operator
// decides on every pending request; auditors read everything. Every action goes through
// AgreementsService, which checks the rules and audits.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, redirectToSignIn } from '../../core/auth';
import { AppError, type FieldProblem } from '../../core/errors';
import { defineMessages, formatDateTime, t, type Locale } from '../../core/i18n';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html, type SafeHtml } from '../../core/web/html';
import { errorSummary } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import type { DataProduct, Subsystem } from './ports';
import { findPurpose, PURPOSES } from './purposes';
import { addMonths, type AgreementStatus } from './rules';
import type { Agreement, AgreementContext, AgreementDetail, AgreementsService } from './service';

const messages = defineMessages({
  title: { ko: '정보 공동이용 협약', en: 'Data-sharing agreements' },
  lead: {
    ko: '기관이 다른 기관의 데이터를 이용하려면 목적, 법적 근거, 이용 항목과 기간을 정한 협약을 신청하고, 데이터 보유기관과 플랫폼 운영기관(행정안전부)의 승인을 모두 받아야 합니다.',
    en: 'To use another agency\'s data, an agency applies for an agreement stating the purpose, legal basis, fields and period; it takes effect only once both the data-holding agency and the platform operator (MOIS) approve.',
  },
  requestTitle: { ko: '새 협약 신청', en: 'Request a new agreement' },
  chooseProduct: { ko: '이용할 데이터 상품', en: 'Data product to use' },
  continue: { ko: '다음', en: 'Continue' },
  awaitingTitle: { ko: '결정을 기다리는 신청', en: 'Requests waiting for your decision' },
  noneAwaiting: { ko: '결정을 기다리는 신청이 없습니다.', en: 'No request is waiting for your decision.' },
  asClientTitle: { ko: '우리 기관이 이용하는 협약', en: 'Agreements under which your agency uses data' },
  asHolderTitle: { ko: '우리 기관 데이터에 대한 협약', en: 'Agreements on your agency\'s data' },
  allTitle: { ko: '모든 협약', en: 'All agreements' },
  none: { ko: '협약이 없습니다.', en: 'There are no agreements.' },
  agreement: { ko: '협약 번호', en: 'Agreement' },
  client: { ko: '이용 시스템', en: 'Client subsystem' },
  product: { ko: '데이터 상품', en: 'Data product' },
  provider: { ko: '제공 시스템(보유기관)', en: 'Provider subsystem (data holder)' },
  purpose: { ko: '이용 목적', en: 'Purpose' },
  purposeText: { ko: '이용 목적 설명', en: 'Purpose in your words' },
  choosePurpose: { ko: '— 목적 선택 —', en: '— Choose a purpose —' },
  legalBasis: { ko: '법적 근거', en: 'Legal basis' },
  legalBasisHint: { ko: '예: 사회보장급여법 제12조', en: 'For example: Social Security Benefits Act art. 12' },
  fields: { ko: '이용 항목', en: 'Fields' },
  fieldsHint: { ko: '업무에 꼭 필요한 항목만 선택하세요.', en: 'Choose only the fields the task needs.' },
  validity: { ko: '이용 기간', en: 'Validity' },
  validFrom: { ko: '이용 시작일', en: 'Valid from' },
  duration: { ko: '이용 기간', en: 'Duration' },
  months: { ko: '{n}개월', en: '{n} months' },
  validUntil: { ko: '이용 종료', en: 'Valid until' },
  consentRequired: { ko: '이용할 때마다 정보주체의 동의 필요', en: 'Each use needs the resident\'s consent' },
  covert: { ko: '정보주체에게 열람 사실 비공개(법 집행 목적만)', en: 'Hide accesses from the resident (law enforcement only)' },
  yes: { ko: '예', en: 'Yes' },
  no: { ko: '아니요', en: 'No' },
  status: { ko: '상태', en: 'Status' },
  submitRequest: { ko: '협약 신청', en: 'Request agreement' },
  chooseAnother: { ko: '다른 데이터 상품 선택', en: 'Choose another data product' },
  backToList: { ko: '협약 목록으로', en: 'Back to the agreements' },
  noSubsystems: { ko: '우리 기관에는 데이터를 이용하는 시스템이 디렉터리에 없습니다.', en: 'Your agency has no consuming subsystem in the directory.' },
  officialsOnly: { ko: '협약 신청은 이용 기관의 공무원만 할 수 있습니다.', en: 'Only officials of the client agency can request agreements.' },
  holderDecision: { ko: '보유기관 결정', en: 'Data holder\'s decision' },
  operatorDecision: { ko: '운영기관 결정', en: 'Operator\'s decision' },
  pendingDecision: { ko: '대기 중', en: 'Pending' },
  approve: { ko: '승인', en: 'Approve' },
  reject: { ko: '반려', en: 'Reject' },
  decisionTitle: { ko: '결정', en: 'Decision' },
  decideAsHolder: { ko: '데이터 보유기관으로서 이 신청을 승인하거나 반려합니다.', en: 'You decide on this request for the data-holding agency.' },
  decideAsOperator: { ko: '플랫폼 운영기관으로서 이 신청을 승인하거나 반려합니다.', en: 'You decide on this request as the platform operator.' },
  reason: { ko: '사유', en: 'Reason' },
  reasonForReject: { ko: '반려할 때는 사유를 꼭 적어 주세요.', en: 'A reason is required to reject.' },
  suspendTitle: { ko: '이용 중지', en: 'Suspend' },
  suspendLead: { ko: '중지하면 재개할 때까지 이 협약으로 데이터를 받을 수 없습니다.', en: 'While suspended, no data is served under this agreement.' },
  suspend: { ko: '이용 중지', en: 'Suspend' },
  resumeTitle: { ko: '이용 재개', en: 'Resume' },
  resume: { ko: '이용 재개', en: 'Resume' },
  reasonOptional: { ko: '사유(선택)', en: 'Reason (optional)' },
  historyTitle: { ko: '처리 이력', en: 'History' },
  when: { ko: '일시', en: 'When' },
  who: { ko: '처리자', en: 'Who' },
  action: { ko: '처리', en: 'Action' },
  capacity: { ko: '자격', en: 'Capacity' },
  errorTitlePrefix: { ko: '오류:', en: 'Error:' },
  detailTitle: { ko: '협약 {id}', en: 'Agreement {id}' },
  done_request: { ko: '협약을 신청했습니다. 데이터 보유기관과 운영기관의 승인을 기다립니다.', en: 'The agreement was requested. It now waits for the data holder and the operator.' },
  done_approve: { ko: '승인했습니다.', en: 'You approved the request.' },
  done_reject: { ko: '반려했습니다.', en: 'You rejected the request.' },
  done_suspend: { ko: '협약 이용을 중지했습니다.', en: 'The agreement is suspended.' },
  done_resume: { ko: '협약 이용을 재개했습니다.', en: 'The agreement is active again.' },
  page: { ko: '{from}–{to} / 전체 {total}건', en: '{from}–{to} of {total}' },
  previous: { ko: '이전', en: 'Previous' },
  next: { ko: '다음', en: 'Next' },
  pagination: { ko: '페이지', en: 'Pages' },
  status_requested: { ko: '승인 대기', en: 'Requested' },
  status_active: { ko: '이용 중', en: 'Active' },
  status_suspended: { ko: '이용 중지', en: 'Suspended' },
  status_rejected: { ko: '반려', en: 'Rejected' },
  status_expired: { ko: '기간 만료', en: 'Expired' },
  action_request: { ko: '신청', en: 'Requested' },
  action_approve: { ko: '승인', en: 'Approved' },
  action_reject: { ko: '반려', en: 'Rejected' },
  action_suspend: { ko: '이용 중지', en: 'Suspended' },
  action_resume: { ko: '이용 재개', en: 'Resumed' },
  capacity_client: { ko: '이용 기관', en: 'Client agency' },
  capacity_holder: { ko: '데이터 보유기관', en: 'Data holder' },
  capacity_operator: { ko: '플랫폼 운영기관', en: 'Platform operator' },
  sensitivity_public: { ko: '공개', en: 'public' },
  sensitivity_personal: { ko: '개인정보', en: 'personal' },
  sensitivity_sensitive: { ko: '민감정보', en: 'sensitive' },
});

const DURATIONS = [6, 12, 24, 36, 60];
const PAGE_SIZE = 20;

/** Where a problem's field is on the request form. */
const FORM_FIELD: Record<string, string> = {
  '/body/clientSubsystem': 'clientSubsystem',
  '/body/productId': 'productId',
  '/body/purposeCode': 'purposeCode',
  '/body/purposeText': 'purposeText',
  '/body/legalBasis': 'legalBasis',
  '/body/validFrom': 'validFrom',
  '/body/validUntil': 'duration',
  '/body/consentRequired': 'consentRequired',
  '/body/covert': 'covert',
};

function statusLabel(locale: Locale, status: AgreementStatus): string {
  return t(locale, messages[`status_${status}`]);
}

function todayInSeoul(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function when(locale: Locale, iso: string): string {
  return formatDateTime(locale, new Date(iso));
}

interface Lookup {
  products: Map<string, DataProduct>;
  subsystems: Map<string, Subsystem>;
}

function productTitle(locale: Locale, lookup: Lookup, id: string): string {
  return lookup.products.get(id)?.title[locale] ?? id;
}

function subsystemLabel(locale: Locale, lookup: Lookup, id: string): SafeHtml {
  const subsystem = lookup.subsystems.get(id);
  return subsystem ? html`${subsystem.name[locale]} <code>${id}</code>` : html`<code>${id}</code>`;
}

function fieldError(id: string, problems: Map<string, string[]>): SafeHtml | '' {
  const list = problems.get(id);
  return list?.length ? html`<p class="error-message" id="${id}-error">${list.join(' ')}</p>` : '';
}

export function agreementsConsole(agreements: AgreementsService) {
  function contextOf(request: FastifyRequest): AgreementContext {
    return { principal: request.principal, actor: actorOf(request), requestId: request.id, locale: request.locale };
  }

  async function lookup(): Promise<Lookup> {
    const subsystems = await agreements.listSubsystems();
    return { products: new Map(agreements.listProducts().map((p) => [p.id, p])), subsystems: new Map(subsystems.map((s) => [s.id, s])) };
  }

  function table(locale: Locale, data: Lookup, captionId: string, items: Agreement[]): SafeHtml {
    if (items.length === 0) return html`<p>${t(locale, messages.none)}</p>`;
    return html`<table aria-labelledby="${captionId}">
<thead><tr><th scope="col">${t(locale, messages.agreement)}</th><th scope="col">${t(locale, messages.client)}</th><th scope="col">${t(locale, messages.product)}</th><th scope="col">${t(locale, messages.purpose)}</th><th scope="col">${t(locale, messages.status)}</th><th scope="col">${t(locale, messages.validUntil)}</th></tr></thead>
<tbody>${items.map(
      (a) => html`<tr><td><a href="/console/agreements/${a.id}">${a.id}</a></td><td>${subsystemLabel(locale, data, a.clientSubsystem)}</td><td>${productTitle(locale, data, a.productId)} <code>${a.productId}</code></td><td>${findPurpose(a.purposeCode)?.title[locale] ?? a.purposeCode}</td><td>${statusLabel(locale, a.status)}</td><td>${when(locale, a.validUntil)}</td></tr>`,
    )}</tbody></table>`;
  }

  function pager(locale: Locale, page: number, total: number): SafeHtml | '' {
    if (total <= PAGE_SIZE) return '';
    const from = (page - 1) * PAGE_SIZE + 1;
    const to = Math.min(page * PAGE_SIZE, total);
    return html`<nav aria-label="${t(locale, messages.pagination)}"><p>${t(locale, messages.page, { from, to, total })}
${page > 1 ? html` <a href="/console/agreements?page=${page - 1}">${t(locale, messages.previous)}</a>` : ''}
${to < total ? html` <a href="/console/agreements?page=${page + 1}">${t(locale, messages.next)}</a>` : ''}</p></nav>`;
  }

  async function renderList(request: FastifyRequest, reply: FastifyReply, page: number) {
    const locale = request.locale;
    const principal = request.principal!;
    const context = contextOf(request);
    const data = await lookup();
    const offset = (page - 1) * PAGE_SIZE;
    const sections: SafeHtml[] = [];
    if (principal.role === 'official') {
      const products = agreements.listProducts();
      const clients = await agreements.requestableSubsystems(principal);
      sections.push(html`<section aria-labelledby="request-heading"><h2 id="request-heading">${t(locale, messages.requestTitle)}</h2>
${
  clients.length === 0
    ? html`<p>${t(locale, messages.noSubsystems)}</p>`
    : html`<form method="get" action="/console/agreements/new" class="form">
<div class="field"><label for="product">${t(locale, messages.chooseProduct)}</label>
<select id="product" name="product">${products.map((p) => html`<option value="${p.id}">${p.title[locale]} (${p.id})</option>`)}</select></div>
<button type="submit" class="button">${t(locale, messages.continue)}</button>
</form>`
}</section>`);
    }
    if (principal.role === 'official' || principal.role === 'operator') {
      const awaiting = await agreements.list(context, { awaitingMyDecision: true, limit: 100 });
      sections.push(html`<section aria-labelledby="awaiting-heading"><h2 id="awaiting-heading">${t(locale, messages.awaitingTitle)}</h2>
${awaiting.items.length ? table(locale, data, 'awaiting-heading', awaiting.items) : html`<p>${t(locale, messages.noneAwaiting)}</p>`}</section>`);
    }
    if (principal.role === 'official') {
      const asClient = await agreements.list(context, { side: 'client', limit: 100 });
      const asHolder = await agreements.list(context, { side: 'holder', limit: 100 });
      sections.push(html`<section aria-labelledby="client-heading"><h2 id="client-heading">${t(locale, messages.asClientTitle)}</h2>
${table(locale, data, 'client-heading', asClient.items)}</section>
<section aria-labelledby="holder-heading"><h2 id="holder-heading">${t(locale, messages.asHolderTitle)}</h2>
${table(locale, data, 'holder-heading', asHolder.items)}</section>`);
    } else {
      const all = await agreements.list(context, { limit: PAGE_SIZE, offset });
      sections.push(html`<section aria-labelledby="all-heading"><h2 id="all-heading">${t(locale, messages.allTitle)}</h2>
${table(locale, data, 'all-heading', all.items)}${pager(locale, page, all.total)}</section>`);
    }
    return renderPage(request, reply, {
      title: t(locale, messages.title),
      body: html`<h1>${t(locale, messages.title)}</h1>
<p>${t(locale, messages.lead)}</p>
${sections}`,
    });
  }

  interface RequestFormValues {
    clientSubsystem: string;
    purposeCode: string;
    purposeText: string;
    legalBasis: string;
    fields: string[];
    validFrom: string;
    duration: string;
    consentRequired: boolean;
    covert: boolean;
  }

  async function renderRequestForm(
    request: FastifyRequest,
    reply: FastifyReply,
    product: DataProduct,
    values: RequestFormValues,
    problems: FieldProblem[] = [],
  ) {
    const locale = request.locale;
    const principal = request.principal!;
    const subsystems = await agreements.requestableSubsystems(principal);
    const byField = new Map<string, string[]>();
    const firstField = `field-${product.fields[0]?.name ?? ''}`;
    const summary: Array<{ target: string; message: string }> = [];
    for (const problem of problems) {
      const id = problem.field === '/body/fields' ? 'fields' : (FORM_FIELD[problem.field] ?? 'purposeText');
      byField.set(id, [...(byField.get(id) ?? []), problem.message]);
      summary.push({ target: id === 'fields' ? firstField : id, message: problem.message });
    }
    const invalid = (id: string) => byField.has(id);
    const describedBy = (id: string, hint?: boolean) => {
      const ids = [hint ? `${id}-hint` : '', invalid(id) ? `${id}-error` : ''].filter(Boolean).join(' ');
      return ids ? html` aria-describedby="${ids}"` : '';
    };
    const invalidAttr = (id: string) => (invalid(id) ? html` aria-invalid="true"` : '');
    const fieldClass = (id: string) => `field${invalid(id) ? ' field-error' : ''}`;
    const title = `${t(locale, messages.requestTitle)}: ${product.title[locale]}`;
    return renderPage(request, reply, {
      status: problems.length ? 400 : 200,
      title: problems.length ? `${t(locale, messages.errorTitlePrefix)} ${title}` : title,
      body: html`<h1>${t(locale, messages.requestTitle)}</h1>
${errorSummary(locale, summary)}
<p><a href="/console/agreements">${t(locale, messages.chooseAnother)}</a></p>
<dl class="facts"><dt>${t(locale, messages.product)}</dt><dd>${product.title[locale]} <code>${product.id}</code><br>${product.description[locale]}</dd>
<dt>${t(locale, messages.provider)}</dt><dd><code>${product.providerSubsystem}</code></dd></dl>
${
  subsystems.length === 0
    ? html`<p class="notice">${principal.role === 'official' ? t(locale, messages.noSubsystems) : t(locale, messages.officialsOnly)}</p>`
    : html`<form method="post" action="/console/agreements" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<input type="hidden" name="productId" id="productId" value="${product.id}">
<div class="${fieldClass('clientSubsystem')}"><label for="clientSubsystem">${t(locale, messages.client)}</label>
${fieldError('clientSubsystem', byField)}
<select id="clientSubsystem" name="clientSubsystem"${describedBy('clientSubsystem')}${invalidAttr('clientSubsystem')}>${subsystems.map(
          (s) => html`<option value="${s.id}"${s.id === values.clientSubsystem ? html` selected` : ''}>${s.name[locale]} (${s.id})</option>`,
        )}</select></div>
<fieldset class="${fieldClass('fields')}" id="fields"${describedBy('fields', true)}><legend>${t(locale, messages.fields)}</legend>
<p class="hint" id="fields-hint">${t(locale, messages.fieldsHint)}</p>
${fieldError('fields', byField)}
${product.fields.map(
  (f) => html`<div><input type="checkbox" id="field-${f.name}" name="fields" value="${f.name}"${values.fields.includes(f.name) ? html` checked` : ''}>
<label for="field-${f.name}">${f.title[locale]} <code>${f.name}</code> (${t(locale, messages[`sensitivity_${f.sensitivity}`])})</label></div>`,
)}
</fieldset>
<div class="${fieldClass('purposeCode')}"><label for="purposeCode">${t(locale, messages.purpose)}</label>
${fieldError('purposeCode', byField)}
<select id="purposeCode" name="purposeCode"${describedBy('purposeCode')}${invalidAttr('purposeCode')}><option value="">${t(locale, messages.choosePurpose)}</option>${PURPOSES.map(
          (p) => html`<option value="${p.code}"${p.code === values.purposeCode ? html` selected` : ''}>${p.title[locale]} (${p.code})</option>`,
        )}</select></div>
<div class="${fieldClass('purposeText')}"><label for="purposeText">${t(locale, messages.purposeText)}</label>
${fieldError('purposeText', byField)}
<textarea id="purposeText" name="purposeText" rows="3" maxlength="500"${describedBy('purposeText')}${invalidAttr('purposeText')}>${values.purposeText}</textarea></div>
<div class="${fieldClass('legalBasis')}"><label for="legalBasis">${t(locale, messages.legalBasis)}</label>
<p class="hint" id="legalBasis-hint">${t(locale, messages.legalBasisHint)}</p>
${fieldError('legalBasis', byField)}
<input id="legalBasis" name="legalBasis" maxlength="300" value="${values.legalBasis}"${describedBy('legalBasis', true)}${invalidAttr('legalBasis')}></div>
<div class="${fieldClass('validFrom')}"><label for="validFrom">${t(locale, messages.validFrom)}</label>
${fieldError('validFrom', byField)}
<input id="validFrom" name="validFrom" type="date" value="${values.validFrom}"${describedBy('validFrom')}${invalidAttr('validFrom')}></div>
<div class="${fieldClass('duration')}"><label for="duration">${t(locale, messages.duration)}</label>
${fieldError('duration', byField)}
<select id="duration" name="duration"${describedBy('duration')}${invalidAttr('duration')}>${DURATIONS.map(
          (n) => html`<option value="${n}"${String(n) === values.duration ? html` selected` : ''}>${t(locale, messages.months, { n })}</option>`,
        )}</select></div>
<div class="${fieldClass('consentRequired')}">${fieldError('consentRequired', byField)}
<div><input type="checkbox" id="consentRequired" name="consentRequired" value="yes"${values.consentRequired ? html` checked` : ''}${describedBy('consentRequired')}${invalidAttr('consentRequired')}>
<label for="consentRequired">${t(locale, messages.consentRequired)}</label></div></div>
<div class="${fieldClass('covert')}">${fieldError('covert', byField)}
<div><input type="checkbox" id="covert" name="covert" value="yes"${values.covert ? html` checked` : ''}${describedBy('covert')}${invalidAttr('covert')}>
<label for="covert">${t(locale, messages.covert)}</label></div></div>
<button type="submit" class="button">${t(locale, messages.submitRequest)}</button>
</form>`
}`,
    });
  }

  async function renderDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    agreement: AgreementDetail,
    options: { done?: string; problems?: FieldProblem[]; formId?: string; reason?: string } = {},
  ) {
    const locale = request.locale;
    const data = await lookup();
    const product = data.products.get(agreement.productId);
    const allowed = agreements.allowedActions(request.principal, agreement);
    const problems = options.problems ?? [];
    const reasonId = options.formId ?? '';
    const title = t(locale, messages.detailTitle, { id: agreement.id });
    const decision = (value: 'approve' | 'reject' | null) =>
      value ? t(locale, messages[value]) : agreement.status === 'requested' ? t(locale, messages.pendingDecision) : '—';
    const reasonField = (id: string, label: string, hint?: string) => {
      const invalid = problems.length > 0 && reasonId === id;
      const described = [hint ? `${id}-hint` : '', invalid ? `${id}-error` : ''].filter(Boolean).join(' ');
      return html`<div class="field${invalid ? ' field-error' : ''}"><label for="${id}">${label}</label>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
${invalid ? html`<p class="error-message" id="${id}-error">${problems.map((p) => p.message).join(' ')}</p>` : ''}
<textarea id="${id}" name="reason" rows="2" maxlength="1000"${described ? html` aria-describedby="${described}"` : ''}${invalid ? html` aria-invalid="true"` : ''}>${invalid ? (options.reason ?? '') : ''}</textarea></div>`;
    };
    const done = options.done && `done_${options.done}` in messages ? t(locale, messages[`done_${options.done}` as keyof typeof messages]) : '';
    return renderPage(request, reply, {
      status: problems.length ? 400 : 200,
      title: problems.length ? `${t(locale, messages.errorTitlePrefix)} ${title}` : title,
      body: html`<h1>${title}</h1>
${errorSummary(locale, problems.map((p) => ({ target: reasonId, message: p.message })))}
${done ? html`<div class="success" role="status"><p>${done}</p></div>` : ''}
<p><a href="/console/agreements">${t(locale, messages.backToList)}</a></p>
<dl class="facts" id="agreement-facts">
<dt>${t(locale, messages.status)}</dt><dd id="agreement-status">${statusLabel(locale, agreement.status)}</dd>
<dt>${t(locale, messages.client)}</dt><dd>${subsystemLabel(locale, data, agreement.clientSubsystem)}</dd>
<dt>${t(locale, messages.product)}</dt><dd>${productTitle(locale, data, agreement.productId)} <code>${agreement.productId}</code></dd>
<dt>${t(locale, messages.provider)}</dt><dd>${subsystemLabel(locale, data, agreement.providerSubsystem)}</dd>
<dt>${t(locale, messages.purpose)}</dt><dd>${findPurpose(agreement.purposeCode)?.title[locale] ?? agreement.purposeCode} <code>${agreement.purposeCode}</code></dd>
<dt>${t(locale, messages.purposeText)}</dt><dd>${agreement.purposeText}</dd>
<dt>${t(locale, messages.legalBasis)}</dt><dd>${agreement.legalBasis}</dd>
<dt>${t(locale, messages.fields)}</dt><dd><ul>${agreement.fields.map((name) => {
        const field = product?.fields.find((f) => f.name === name);
        return html`<li>${field ? field.title[locale] : name} <code>${name}</code></li>`;
      })}</ul></dd>
<dt>${t(locale, messages.validity)}</dt><dd>${when(locale, agreement.validFrom)} – ${when(locale, agreement.validUntil)}</dd>
<dt>${t(locale, messages.consentRequired)}</dt><dd>${t(locale, agreement.consentRequired ? messages.yes : messages.no)}</dd>
<dt>${t(locale, messages.covert)}</dt><dd>${t(locale, agreement.covert ? messages.yes : messages.no)}</dd>
<dt>${t(locale, messages.holderDecision)}</dt><dd>${decision(agreement.holderDecision)}</dd>
<dt>${t(locale, messages.operatorDecision)}</dt><dd>${decision(agreement.operatorDecision)}</dd>
</dl>
${
  allowed.decideAs
    ? html`<section aria-labelledby="decision-heading"><h2 id="decision-heading">${t(locale, messages.decisionTitle)}</h2>
<p>${t(locale, allowed.decideAs === 'holder' ? messages.decideAsHolder : messages.decideAsOperator)}</p>
<form method="post" action="/console/agreements/${agreement.id}/decisions" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${reasonField('decision-reason', t(locale, messages.reason), t(locale, messages.reasonForReject))}
<p><button type="submit" class="button" name="decision" value="approve">${t(locale, messages.approve)}</button>
<button type="submit" class="button" name="decision" value="reject">${t(locale, messages.reject)}</button></p>
</form></section>`
    : ''
}
${
  allowed.suspend
    ? html`<section aria-labelledby="suspend-heading"><h2 id="suspend-heading">${t(locale, messages.suspendTitle)}</h2>
<p>${t(locale, messages.suspendLead)}</p>
<form method="post" action="/console/agreements/${agreement.id}/suspension" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${reasonField('suspend-reason', t(locale, messages.reason))}
<button type="submit" class="button">${t(locale, messages.suspend)}</button>
</form></section>`
    : ''
}
${
  allowed.resume
    ? html`<section aria-labelledby="resume-heading"><h2 id="resume-heading">${t(locale, messages.resumeTitle)}</h2>
<form method="post" action="/console/agreements/${agreement.id}/resumption" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${reasonField('resume-reason', t(locale, messages.reasonOptional))}
<button type="submit" class="button">${t(locale, messages.resume)}</button>
</form></section>`
    : ''
}
<section aria-labelledby="history-heading"><h2 id="history-heading">${t(locale, messages.historyTitle)}</h2>
<table aria-labelledby="history-heading">
<thead><tr><th scope="col">${t(locale, messages.when)}</th><th scope="col">${t(locale, messages.action)}</th><th scope="col">${t(locale, messages.capacity)}</th><th scope="col">${t(locale, messages.who)}</th><th scope="col">${t(locale, messages.reason)}</th></tr></thead>
<tbody>${agreement.history.map(
        (h) => html`<tr><td>${when(locale, h.at)}</td><td>${t(locale, messages[`action_${h.action}`])}</td><td>${t(locale, messages[`capacity_${h.capacity}`])}</td><td><code>${h.actorId}</code>${h.actorAgency ? ` (${h.actorAgency})` : ''}</td><td>${h.reason ?? ''}</td></tr>`,
      )}</tbody></table></section>`,
    });
  }

  /** Runs a state change from a form; a validation problem re-renders the page with its summary. */
  async function act(
    request: FastifyRequest,
    id: string,
    reason: string | undefined,
    reply: FastifyReply,
    verb: string,
    formId: string,
    change: () => Promise<unknown>,
  ) {
    try {
      await change();
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.errors?.length) {
        const agreement = await agreements.get(contextOf(request), id);
        return renderDetail(request, reply, agreement, { problems: error.errors, formId, reason: reason ?? '' });
      }
      throw error;
    }
    return reply.redirect(`/console/agreements/${id}?done=${verb}`, 303);
  }

  const IdParams = Type.Object({ id: Type.String({ pattern: '^AGR-[0-9]{4}-[0-9]{6,}$', maxLength: 30 }) });
  const ReasonForm = Type.Object({ _csrf: Type.String({ maxLength: 100 }), reason: Type.Optional(Type.String({ maxLength: 1000 })) });

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/console/agreements',
      {
        schema: {
          ...pageSchema('Staff console: access agreements (officials: own agency\'s, as client and holder; operator and auditors: all)', { errors: [403] }),
          querystring: Type.Object({ lang: LocaleQuery.properties.lang, page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        return renderList(request, reply, request.query.page ?? 1);
      },
    );

    app.get(
      '/console/agreements/new',
      {
        schema: {
          ...pageSchema('Staff console: the form to request an agreement for a chosen data product (officials)', { errors: [400, 403, 404] }),
          querystring: Type.Object({ lang: LocaleQuery.properties.lang, product: Type.String({ minLength: 1, maxLength: 100 }) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (request.principal.role !== 'official') throw new AppError('FORBIDDEN', 'Only officials of the client agency can request agreements.');
        const product = agreements.findProduct(request.query.product);
        if (!product) throw new AppError('NOT_FOUND', `No data product ${request.query.product}.`);
        return renderRequestForm(request, reply, product, {
          clientSubsystem: '',
          purposeCode: '',
          purposeText: '',
          legalBasis: '',
          fields: [],
          validFrom: todayInSeoul(),
          duration: '12',
          consentRequired: false,
          covert: false,
        });
      },
    );

    app.post(
      '/console/agreements',
      {
        attachValidation: true,
        schema: {
          ...pageSchema('Staff console: request an agreement from the form (audited); invalid input re-renders the form with its errors', { redirects: true, errors: [400, 403] }),
          body: Type.Object({
            _csrf: Type.String({ maxLength: 100 }),
            clientSubsystem: Type.Optional(Type.String({ maxLength: 300 })),
            productId: Type.Optional(Type.String({ maxLength: 100 })),
            fields: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 200 })),
            purposeCode: Type.Optional(Type.String({ maxLength: 60 })),
            purposeText: Type.Optional(Type.String({ maxLength: 2000 })),
            legalBasis: Type.Optional(Type.String({ maxLength: 2000 })),
            validFrom: Type.Optional(Type.String({ maxLength: 40 })),
            duration: Type.Optional(Type.String({ maxLength: 10 })),
            consentRequired: Type.Optional(Type.String({ maxLength: 10 })),
            covert: Type.Optional(Type.String({ maxLength: 10 })),
          }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const body = (request.body ?? {}) as Record<string, unknown>;
        const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
        const fields = Array.isArray(body.fields) ? body.fields.filter((f): f is string => typeof f === 'string') : typeof body.fields === 'string' ? [body.fields] : [];
        const values: RequestFormValues = {
          clientSubsystem: text('clientSubsystem'),
          purposeCode: text('purposeCode'),
          purposeText: text('purposeText'),
          legalBasis: text('legalBasis'),
          fields,
          validFrom: text('validFrom'),
          duration: text('duration'),
          consentRequired: text('consentRequired') === 'yes',
          covert: text('covert') === 'yes',
        };
        const product = agreements.findProduct(text('productId'));
        if (!product) throw new AppError('VALIDATION_FAILED', 'Unknown data product.', [{ field: '/body/productId', message: 'is not a known data product' }]);
        const months = Number(values.duration);
        const start = /^\d{4}-\d{2}-\d{2}$/.test(values.validFrom) ? new Date(`${values.validFrom}T00:00:00+09:00`) : undefined;
        const validUntil = start && !Number.isNaN(start.getTime()) && DURATIONS.includes(months) ? addMonths(start, months).toISOString() : 'invalid';
        try {
          const agreement = await agreements.request(contextOf(request), {
            clientSubsystem: values.clientSubsystem,
            productId: product.id,
            purposeCode: values.purposeCode,
            purposeText: values.purposeText,
            legalBasis: values.legalBasis,
            fields,
            validFrom: start && !Number.isNaN(start.getTime()) ? start.toISOString() : 'invalid',
            validUntil,
            consentRequired: values.consentRequired,
            covert: values.covert,
          });
          return reply.redirect(`/console/agreements/${agreement.id}?done=request`, 303);
        } catch (error) {
          if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.errors?.length) {
            // The start date is checked here, the duration is only ever one of the offered values.
            const problems = error.errors.filter((p) => !(p.field === '/body/validUntil' && validUntil === 'invalid' && start === undefined));
            return renderRequestForm(request, reply, product, values, problems);
          }
          throw error;
        }
      },
    );

    app.get(
      '/console/agreements/:id',
      {
        schema: {
          ...pageSchema('Staff console: one agreement, its history, and the decisions the viewer may take', { errors: [403, 404] }),
          params: IdParams,
          querystring: Type.Object({ lang: LocaleQuery.properties.lang, done: Type.Optional(Type.String({ maxLength: 20 })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const agreement = await agreements.get(contextOf(request), request.params.id);
        return renderDetail(request, reply, agreement, { done: request.query.done });
      },
    );

    app.post(
      '/console/agreements/:id/decisions',
      {
        schema: {
          ...pageSchema('Staff console: approve or reject a request (holder officials, the operator; audited)', { redirects: true, errors: [400, 403, 404, 409] }),
          params: IdParams,
          body: Type.Object({ ...ReasonForm.properties, decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const { decision, reason } = request.body;
        return act(request, request.params.id, request.body.reason, reply, decision, 'decision-reason', () => agreements.decide(contextOf(request), request.params.id, { decision, reason }));
      },
    );

    app.post(
      '/console/agreements/:id/suspension',
      {
        schema: {
          ...pageSchema('Staff console: suspend an active agreement (holder officials, the operator; audited)', { redirects: true, errors: [400, 403, 404, 409] }),
          params: IdParams,
          body: ReasonForm,
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        return act(request, request.params.id, request.body.reason, reply, 'suspend', 'suspend-reason', () => agreements.suspend(contextOf(request), request.params.id, request.body.reason ?? ''));
      },
    );

    app.post(
      '/console/agreements/:id/resumption',
      {
        schema: {
          ...pageSchema('Staff console: resume a suspended agreement (holder officials, the operator; audited)', { redirects: true, errors: [400, 403, 404, 409] }),
          params: IdParams,
          body: ReasonForm,
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        return act(request, request.params.id, request.body.reason, reply, 'resume', 'resume-reason', () => agreements.resume(contextOf(request), request.params.id, request.body.reason));
      },
    );
  };
}
