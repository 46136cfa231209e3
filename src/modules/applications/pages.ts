// Pages of GOV24 one-stop applications, Korean and English, without JavaScript: the "consent to use
// of administrative information" screen (행정정보 공동이용 사전동의), the pre-filled application form
// (or the uploads form after declining), "My applications" with each case's status per agency, and
// the officials' case console (their agency's cases only, with the decision form).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { redirectToSignIn } from '../../core/auth';
import { AppError, type FieldProblem } from '../../core/errors';
import { defineMessages, formatDateTime, t, type Locale, type Message } from '../../core/i18n';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html, type SafeHtml } from '../../core/web/html';
import { errorSummary } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import { findPurpose } from '../agreements';
import { findDataProduct } from '../registry/data-products';
import { BANKS, checkAnswers, type AnswerField, type PrefillField } from './form';
import { applicationsContextOf } from './routes';
import {
  APPLICATION_ID_PATTERN,
  CASE_ID_PATTERN,
  type Application,
  type ApplicationCase,
  type ApplicationForm,
  type ApplicationsService,
  type ApplicationTarget,
  type CaseStatus,
  type ConsentScreen,
} from './service';

const messages = defineMessages({
  consentTitle: { ko: '행정정보 공동이용 사전동의', en: 'Consent to use of administrative information' },
  consentLead: {
    ko: '"{name}"을(를) 신청하려면 아래 행정정보가 필요합니다. 동의하시면 정부24가 담당 기관에서 직접 확인하므로 서류를 내지 않으셔도 됩니다. 동의하지 않으시면 해당 서류를 직접 첨부해야 합니다.',
    en: 'To apply for "{name}", the information below is needed. If you agree, GOV24 checks it with the agencies that hold it and you hand in no documents. If you do not agree, you attach those documents yourself.',
  },
  consentWhen: {
    ko: '동의하면 지금 한 번 조회해 신청서를 채우고, 신청서를 제출할 때 한 번 더 조회해 내용이 바뀌지 않았는지 확인합니다. 조회할 때마다 1회용 동의가 기록되며, 모든 조회는 "내 정보 이용 내역"에 표시됩니다. 동의하기 전에는 아무것도 조회하지 않습니다.',
    en: 'If you agree, the information is read once now to fill in your form, and once more when you submit, to check nothing changed. Each read is covered by a one-time consent, and every read appears in "Who used my data". Nothing is read before you agree.',
  },
  caption: { ko: '조회할 행정정보 {n}종', en: 'Administrative information to be read ({n} kinds)' },
  product: { ko: '정보', en: 'Information' },
  holder: { ko: '보유 기관', en: 'Held by' },
  items: { ko: '조회 항목', en: 'Items read' },
  forServices: { ko: '필요한 서비스', en: 'Needed for' },
  why: { ko: '이용 목적과 근거', en: 'Purpose and legal basis' },
  recipient: { ko: '받는 곳: {name}', en: 'Received by: {name}' },
  gov24: { ko: '정부24 원스톱 신청 시스템', en: 'the GOV24 one-stop application system' },
  agreement: { ko: '협약 {id}', en: 'agreement {id}' },
  servicesApplied: { ko: '신청하는 서비스', en: 'Services you apply for' },
  agree: { ko: '동의하고 신청서 작성', en: 'Agree and fill in the form' },
  decline: { ko: '동의하지 않고 서류 직접 첨부', en: 'Do not agree; attach documents myself' },
  uploadsAnyway: { ko: '동의하셔도 직접 첨부할 서류(지금은 기관에서 확인할 수 없음)', en: 'Documents to attach even if you agree (they cannot be checked with the agency at the moment)' },
  declineList: { ko: '동의하지 않으면 첨부할 서류', en: 'If you do not agree, you attach' },
  formTitle: { ko: '{name} 신청서', en: 'Application: {name}' },
  formLeadRegistry: {
    ko: '회색 칸은 행정기관에서 확인한 정보라 고칠 수 없습니다. 정보가 틀리면 보유 기관에 정정을 신청하세요. 정부24가 알 수 없는 정보만 입력하세요.',
    en: 'The grey fields were checked with the agencies and cannot be changed here; if one is wrong, ask the holding agency to correct it. Enter only what GOV24 cannot know.',
  },
  formLeadUploads: {
    ko: '행정정보 공동이용에 동의하지 않으셨으므로 필요한 서류를 직접 첨부해 주세요. 마음이 바뀌면 처음부터 다시 할 수 있습니다.',
    en: 'You did not agree to the use of administrative information, so attach the documents yourself. If you change your mind, you can start again.',
  },
  fromRegistry: { ko: '{product} — {agency}에서 확인', en: '{product}: checked with {agency}' },
  yourEntries: { ko: '직접 입력할 내용', en: 'What you enter' },
  neededFor: { ko: '필요한 서비스: {names}', en: 'Needed for: {names}' },
  choose: { ko: '선택하세요', en: 'Choose' },
  confirmConsent: {
    ko: '제출할 때 정부24가 위 행정정보를 담당 기관에서 한 번 더 조회해 확인하는 데 동의합니다(1회용 동의).',
    en: 'I agree that on submission GOV24 reads the information above from the agencies once more to check it (a one-time consent).',
  },
  submit: { ko: '신청하기', en: 'Submit application' },
  restart: { ko: '처음부터 다시(동의 여부 다시 선택)', en: 'Start again (choose about consent again)' },
  errorTitlePrefix: { ko: '오류:', en: 'Error:' },
  err_bank: { ko: '지급받을 은행을 선택하세요', en: 'Choose the bank to be paid into' },
  'err_account-number': { ko: '계좌번호를 숫자와 붙임표로 10~16자리 입력하세요', en: 'Enter the account number: 10 to 16 digits, hyphens allowed' },
  err_upload: { ko: '첨부한 파일 이름을 입력하세요(200자 이내)', en: 'Enter the name of the attached file (up to 200 characters)' },
  err_consent: { ko: '행정정보 확인에 동의해야 제출할 수 있습니다', en: 'Agree to the check to submit' },
  residentsOnly: { ko: '서비스 신청은 주민 계정으로만 할 수 있습니다.', en: 'Only residents apply for services.' },
  myTitle: { ko: '내 신청 내역', en: 'My applications' },
  myLead: { ko: '신청한 서비스와 기관별 처리 상태입니다.', en: 'The services you applied for and their status at each agency.' },
  myEmpty: { ko: '아직 신청한 서비스가 없습니다.', en: 'You have not applied for any service yet.' },
  findServices: { ko: '서비스 찾기', en: 'Find a service' },
  submittedOn: { ko: '신청일: {when}', en: 'Submitted: {when}' },
  open: { ko: '자세히 보기', en: 'Details' },
  casesCaption: { ko: '{name}: 기관별 처리 상태', en: '{name}: status at each agency' },
  service: { ko: '서비스', en: 'Service' },
  agency: { ko: '담당 기관', en: 'Agency' },
  status: { ko: '상태', en: 'Status' },
  reason: { ko: '사유', en: 'Reason' },
  updated: { ko: '최근 변경', en: 'Last change' },
  received: { ko: '접수', en: 'Received' },
  'in-review': { ko: '검토 중', en: 'In review' },
  approved: { ko: '승인', en: 'Approved' },
  rejected: { ko: '반려', en: 'Rejected' },
  submitted: { ko: '신청이 접수되었습니다. 신청 번호는 {id}입니다.', en: 'Your application is received. Its number is {id}.' },
  applicationTitle: { ko: '신청 {id}', en: 'Application {id}' },
  modeRegistry: { ko: '행정정보 공동이용으로 확인(서류 제출 없음)', en: 'Checked through administrative information sharing (no documents)' },
  modeUploads: { ko: '서류 직접 첨부', en: 'Documents attached' },
  how: { ko: '확인 방법', en: 'How it was checked' },
  registryData: { ko: '행정기관에서 확인한 정보', en: 'Information checked with the agencies' },
  yourAnswers: { ko: '입력한 내용', en: 'What you entered' },
  history: { ko: '처리 이력', en: 'History' },
  back: { ko: '내 신청 내역으로', en: 'Back to my applications' },
  usage: { ko: '이 신청을 위해 누가 내 정보를 조회했는지 보기', en: 'See who read your data for this application' },
  consoleTitle: { ko: '신청 처리', en: 'Application cases' },
  consoleLead: { ko: '{agency}에 접수된 신청 건입니다.', en: 'Cases received by {agency}.' },
  consoleEmpty: { ko: '접수된 신청이 없습니다.', en: 'There are no cases.' },
  consoleCaption: { ko: '신청 건 {n}건', en: 'Cases ({n})' },
  caseId: { ko: '처리 번호', en: 'Case' },
  applicant: { ko: '신청인', en: 'Applicant' },
  caseTitle: { ko: '처리 {id}', en: 'Case {id}' },
  decide: { ko: '처리 상태 변경', en: 'Change the status' },
  newStatus: { ko: '새 상태', en: 'New status' },
  reasonLabel: { ko: '사유(반려 시 필수)', en: 'Reason (required to reject)' },
  saveDecision: { ko: '저장', en: 'Save' },
  final: { ko: '처리가 끝난 건입니다.', en: 'This case is closed.' },
  decided: { ko: '처리 상태를 저장했습니다.', en: 'The status is saved.' },
  err_status: { ko: '새 상태를 선택하세요', en: 'Choose the new status' },
  err_reason: { ko: '반려 사유를 입력하세요(1000자 이내)', en: 'Give the reason for rejecting (up to 1,000 characters)' },
  officialsOnly: { ko: '신청 처리는 기관 공무원만 할 수 있습니다.', en: 'Only agency officials process cases.' },
  backToCases: { ko: '신청 처리 목록으로', en: 'Back to the cases' },
  none: { ko: '없음', en: 'None' },
});

function statusText(locale: Locale, status: CaseStatus): string {
  return t(locale, messages[status]);
}

function targetPath(target: ApplicationTarget): string {
  return target.kind === 'bundle' ? `/services/bundles/${target.id}/apply` : `/services/${target.id}/apply`;
}

function agencyOfProduct(productId: string): string {
  return findDataProduct(productId)?.providerSubsystem.split('/')[2] ?? '';
}

function caseTable(locale: Locale, application: Application, id: string): SafeHtml {
  return html`<table id="${id}"><caption>${t(locale, messages.casesCaption, { name: application.name[locale] })}</caption>
<thead><tr><th scope="col">${t(locale, messages.service)}</th><th scope="col">${t(locale, messages.agency)}</th><th scope="col">${t(locale, messages.status)}</th><th scope="col">${t(locale, messages.reason)}</th><th scope="col">${t(locale, messages.updated)}</th></tr></thead>
<tbody>${application.cases.map(
    (c) => html`<tr data-case="${c.id}" data-service="${c.serviceId}"><td>${c.serviceName[locale]}</td><td>${c.agency.name[locale]} <span class="hint">(${c.agency.code})</span></td>
<td class="case-status" data-status="${c.status}">${statusText(locale, c.status)}</td><td>${c.reason ?? ''}</td>
<td><time datetime="${c.updatedAt}">${formatDateTime(locale, new Date(c.updatedAt))}</time></td></tr>`,
  )}</tbody></table>`;
}

/** Registry codes shown in words next to the value (the value itself is what the registry holds). */
const CODE_WORDS: Record<string, Record<string, Message>> = {
  sex: { M: { ko: '남성', en: 'male' }, F: { ko: '여성', en: 'female' } },
  householdRole: {
    head: { ko: '세대주', en: 'head of household' },
    spouse: { ko: '배우자', en: 'spouse' },
    child: { ko: '자녀', en: 'child' },
    parent: { ko: '부모', en: 'parent' },
    other: { ko: '기타', en: 'other' },
  },
  relation: { self: { ko: '본인', en: 'yourself' }, spouse: { ko: '배우자', en: 'spouse' }, parent: { ko: '부모', en: 'parent' }, child: { ko: '자녀', en: 'child' } },
};

function codeWords(locale: Locale, field: PrefillField): string | null {
  const words = CODE_WORDS[field.name.split('.').at(-1)!]?.[field.value];
  return words ? words[locale] : null;
}

function prefillGroups(locale: Locale, fields: PrefillField[], agencyName: (code: string) => Message): SafeHtml {
  const products = [...new Set(fields.map((f) => f.productId))];
  return html`${products.map((productId) => {
    const product = findDataProduct(productId);
    const inGroup = fields.filter((f) => f.productId === productId);
    return html`<fieldset class="prefilled" id="group-${productId}"><legend>${t(locale, messages.fromRegistry, { product: product?.title[locale] ?? productId, agency: agencyName(agencyOfProduct(productId))[locale] })}</legend>
${inGroup.map(
  (f) => {
    const words = codeWords(locale, f);
    return html`<div class="field"><label for="pf-${f.name}">${f.label[locale]}</label>
<input id="pf-${f.name}" name="prefilled.${f.name}" value="${f.value}" readonly${words ? html` aria-describedby="pf-${f.name}-words"` : ''}>${words ? html`<p class="hint" id="pf-${f.name}-words">${words}</p>` : ''}</div>`;
  },
)}</fieldset>`;
  })}`;
}

function historyList(locale: Locale, c: ApplicationCase): SafeHtml {
  return html`<ol>${c.history.map(
    (h) => html`<li><time datetime="${h.at}">${formatDateTime(locale, new Date(h.at))}</time>: ${statusText(locale, h.status)}${h.actorAgency ? html` (${h.actorAgency})` : ''}${h.reason ? html` — ${h.reason}` : ''}</li>`,
  )}</ol>`;
}

const FormBody = Type.Object({ _csrf: Type.String({ maxLength: 100 }) }, { additionalProperties: Type.String({ maxLength: 1000 }) });

export function applicationPages(applications: ApplicationsService, agencyName: (code: string) => Message) {
  function residentsOnly(request: FastifyRequest, reply: FastifyReply) {
    const title = t(request.locale, messages.myTitle);
    return renderPage(request, reply, { status: 403, title, body: html`<h1>${title}</h1><p>${t(request.locale, messages.residentsOnly)}</p>` });
  }

  function renderConsent(request: FastifyRequest, reply: FastifyReply, screen: ConsentScreen) {
    const locale = request.locale;
    const title = t(locale, messages.consentTitle);
    const path = targetPath(screen.target);
    return renderPage(request, reply, {
      title: `${title}: ${screen.name[locale]}`,
      body: html`<h1>${title}</h1>
<p class="lead">${t(locale, messages.consentLead, { name: screen.name[locale] })}</p>
<p>${t(locale, messages.consentWhen)}</p>
<p>${t(locale, messages.recipient, { name: t(locale, messages.gov24) })} <code>${screen.recipient}</code></p>
<h2>${t(locale, messages.servicesApplied)}</h2>
<ul id="services-applied">${screen.services.map((s) => html`<li>${s.name[locale]} — ${s.agency.name[locale]}</li>`)}</ul>
<table id="products-to-read"><caption>${t(locale, messages.caption, { n: screen.products.length })}</caption>
<thead><tr><th scope="col">${t(locale, messages.product)}</th><th scope="col">${t(locale, messages.holder)}</th><th scope="col">${t(locale, messages.items)}</th><th scope="col">${t(locale, messages.forServices)}</th><th scope="col">${t(locale, messages.why)}</th></tr></thead>
<tbody>${screen.products.map(
        (p) => html`<tr data-product="${p.productId}"><th scope="row">${p.title[locale]} <code>${p.productId}</code></th>
<td>${p.holderAgency.name[locale]}<br><span class="hint">${p.holderSystem}</span></td>
<td>${p.fields.map((f) => f.title[locale]).join(', ')}</td>
<td>${p.services.map((s) => s.name[locale]).join(', ')}</td>
<td>${findPurpose(p.purposeCode)?.title[locale] ?? p.purposeCode} (${p.purposeCode}): ${p.purposeText}<br><span class="hint">${p.legalBasis}; ${t(locale, messages.agreement, { id: p.agreementId })}</span></td></tr>`,
      )}</tbody></table>
${screen.uploadsAnyway.length ? html`<h2>${t(locale, messages.uploadsAnyway)}</h2><ul id="uploads-anyway">${screen.uploadsAnyway.map((f) => html`<li>${f.label[locale]}</li>`)}</ul>` : ''}
<h2>${t(locale, messages.declineList)}</h2>
<ul id="uploads-instead">${screen.uploadsInstead.map((f) => html`<li>${f.label[locale]}</li>`)}</ul>
<form method="post" action="${path}/consent" class="form">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<button type="submit" name="decision" value="agree" class="button">${t(locale, messages.agree)}</button>
<button type="submit" name="decision" value="decline" class="button secondary">${t(locale, messages.decline)}</button>
</form>`,
    });
  }

  function renderForm(request: FastifyRequest, reply: FastifyReply, form: ApplicationForm, values: Record<string, string>, problems: FieldProblem[]) {
    const locale = request.locale;
    const path = targetPath(form.target);
    const errors = new Map<string, string>();
    const byName = new Map(form.answers.map((f) => [f.name, f]));
    for (const p of problems) {
      const name = p.field.replace(/^\/body\//, '');
      const field = byName.get(name);
      if (name === 'consent') errors.set('consent', t(locale, messages.err_consent));
      else if (field && !errors.has(name)) errors.set(name, t(locale, messages[`err_${field.kind}`]));
    }
    const title = t(locale, messages.formTitle, { name: form.name[locale] });
    const serviceNames = (f: AnswerField) => form.services.filter((s) => f.serviceIds.includes(s.id)).map((s) => s.name[locale]).join(', ');
    const describedBy = (name: string, hint: boolean) => {
      const ids = [hint ? `${name}-hint` : '', `${name}-for`, errors.has(name) ? `${name}-error` : ''].filter(Boolean).join(' ');
      return html` aria-describedby="${ids}"${errors.has(name) ? html` aria-invalid="true"` : ''}`;
    };
    const answerControl = (f: AnswerField) => {
      const value = values[f.name] ?? '';
      const control =
        f.kind === 'bank'
          ? html`<select id="${f.name}" name="${f.name}"${describedBy(f.name, false)}><option value="">${t(locale, messages.choose)}</option>${BANKS.map(
              (b) => html`<option value="${b.code}"${b.code === value ? html` selected` : ''}>${b.name[locale]}</option>`,
            )}</select>`
          : html`<input id="${f.name}" name="${f.name}" value="${value}"${f.kind === 'account-number' ? html` inputmode="numeric" autocomplete="off"` : ''}${describedBy(f.name, f.hint !== null)}>`;
      return html`<div class="${errors.has(f.name) ? 'field field-error' : 'field'}"><label for="${f.name}">${f.label[locale]}</label>
${f.hint ? html`<p class="hint" id="${f.name}-hint">${f.hint[locale]}</p>` : ''}
<p class="hint" id="${f.name}-for">${t(locale, messages.neededFor, { names: serviceNames(f) })}</p>
${errors.has(f.name) ? html`<p class="error-message" id="${f.name}-error">${errors.get(f.name)!}</p>` : ''}
${control}</div>`;
    };
    return renderPage(request, reply, {
      status: problems.length ? 400 : 200,
      title: problems.length ? `${t(locale, messages.errorTitlePrefix)} ${title}` : title,
      body: html`<h1>${title}</h1>
${errorSummary(locale, [...errors].map(([name, message]) => ({ target: name, message })))}
<p class="lead">${t(locale, form.mode === 'registry' ? messages.formLeadRegistry : messages.formLeadUploads)}</p>
<h2>${t(locale, messages.servicesApplied)}</h2>
<ul>${form.services.map((s) => html`<li>${s.name[locale]} — ${s.agency.name[locale]}</li>`)}</ul>
<form method="post" action="${path}" class="form" novalidate id="application-form">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<input type="hidden" name="idempotencyKey" value="${form.idempotencyKey}">
${form.mode === 'registry' ? prefillGroups(locale, form.prefilled, agencyName) : ''}
${form.answers.length ? html`<fieldset id="answers"><legend>${t(locale, messages.yourEntries)}</legend>${form.answers.map(answerControl)}</fieldset>` : ''}
${
  form.mode === 'registry'
    ? html`<div class="${errors.has('consent') ? 'field field-error' : 'field'}">${errors.has('consent') ? html`<p class="error-message" id="consent-error">${errors.get('consent')!}</p>` : ''}
<div><input type="checkbox" id="consent" name="consent" value="yes"${values.consent === 'yes' ? html` checked` : ''}${errors.has('consent') ? html` aria-describedby="consent-error" aria-invalid="true"` : ''}>
<label for="consent">${t(locale, messages.confirmConsent)}</label></div></div>`
    : ''
}
<button type="submit" class="button">${t(locale, messages.submit)}</button>
</form>
<form method="post" action="${path}/restart"><input type="hidden" name="_csrf" value="${request.csrfToken}"><button type="submit" class="link-button">${t(locale, messages.restart)}</button></form>`,
    });
  }

  function renderApplication(request: FastifyRequest, reply: FastifyReply, application: Application, done: boolean) {
    const locale = request.locale;
    const title = t(locale, messages.applicationTitle, { id: application.id });
    return renderPage(request, reply, {
      title,
      body: html`<h1>${title}</h1>
${done ? html`<div class="success" role="status"><p>${t(locale, messages.submitted, { id: application.id })}</p></div>` : ''}
<dl class="facts"><dt>${t(locale, messages.service)}</dt><dd>${application.name[locale]}</dd>
<dt>${t(locale, messages.how)}</dt><dd>${t(locale, application.mode === 'registry' ? messages.modeRegistry : messages.modeUploads)}</dd>
<dt>${t(locale, messages.updated)}</dt><dd><time datetime="${application.submittedAt}">${formatDateTime(locale, new Date(application.submittedAt))}</time></dd></dl>
${caseTable(locale, application, 'cases')}
${application.cases.map((c) => html`<h2>${c.serviceName[locale]}: ${t(locale, messages.history)}</h2>${historyList(locale, c)}`)}
${
  application.prefilled.length
    ? html`<h2>${t(locale, messages.registryData)}</h2><dl class="facts" id="registry-data">${application.prefilled.map((f) => html`<dt>${f.label[locale]}</dt><dd>${codeWords(locale, f) ?? (f.value || t(locale, messages.none))}</dd>`)}</dl>`
    : ''
}
<h2>${t(locale, messages.yourAnswers)}</h2>
<dl class="facts" id="answers">${Object.entries(application.answers).map(([name, value]) => html`<dt><code>${name}</code></dt><dd>${BANKS.find((b) => b.code === value && name === 'bankCode')?.name[locale] ?? value}</dd>`)}</dl>
<p><a href="/me/data-usage">${t(locale, messages.usage)}</a></p>
<p><a href="/me/applications">${t(locale, messages.back)}</a></p>`,
    });
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const isResident = (request: FastifyRequest) => request.principal?.role === 'resident' && request.principal.residentId !== null;
    const isOfficial = (request: FastifyRequest) => request.principal?.role === 'official' && request.principal.agencyCode !== null;

    for (const kind of ['service', 'bundle'] as const) {
      const base = kind === 'bundle' ? '/services/bundles/:id/apply' : '/services/:id/apply';
      const Params = Type.Object({ id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 }) });
      const label = kind === 'bundle' ? 'a bundle of services' : 'a service';

      app.get(
        base,
        { schema: { ...pageSchema(`Apply for ${label}: the consent-to-use screen first, then the form pre-filled from the registries (or asking for uploads after declining)`), params: Params, querystring: LocaleQuery } },
        async (request, reply) => {
          if (!request.principal) return redirectToSignIn(request, reply);
          if (!isResident(request)) return residentsOnly(request, reply);
          const target = { kind, id: request.params.id };
          const context = applicationsContextOf(request);
          const form = await applications.form(context, target);
          if (!form) return renderConsent(request, reply, await applications.consentScreen(context, target));
          return renderForm(request, reply, form, {}, []);
        },
      );

      app.post(
        `${base}/consent`,
        {
          schema: {
            ...pageSchema(`Apply for ${label}: agree (one-time consents, the registries read once) or decline (uploads asked instead)`, { redirects: true, errors: [400, 403] }),
            params: Params,
            body: Type.Object({ _csrf: Type.String({ maxLength: 100 }), decision: Type.Union([Type.Literal('agree'), Type.Literal('decline')]) }),
          },
        },
        async (request, reply) => {
          if (!request.principal) return redirectToSignIn(request, reply);
          if (!isResident(request)) throw new AppError('FORBIDDEN', 'Only residents apply for services.');
          const target = { kind, id: request.params.id };
          await applications.decidePrefill(applicationsContextOf(request), target, request.body.decision);
          return reply.redirect(targetPath(target), 303);
        },
      );

      app.post(
        `${base}/restart`,
        { schema: { ...pageSchema(`Apply for ${label}: forget the pre-filled form and choose about consent again`, { redirects: true }), params: Params, body: Type.Object({ _csrf: Type.String({ maxLength: 100 }) }) } },
        async (request, reply) => {
          if (!request.principal) return redirectToSignIn(request, reply);
          if (!isResident(request)) throw new AppError('FORBIDDEN', 'Only residents apply for services.');
          const target = { kind, id: request.params.id };
          await applications.discardDraft(applicationsContextOf(request), target);
          return reply.redirect(targetPath(target), 303);
        },
      );

      app.post(
        base,
        {
          schema: {
            ...pageSchema(`Apply for ${label}: submit the form (registries re-read; changed pre-filled values refused with 400 naming the field; the same form twice is one application)`, {
              redirects: true,
              errors: [400, 403, 409],
            }),
            params: Params,
            body: FormBody,
          },
        },
        async (request, reply) => {
          if (!request.principal) return redirectToSignIn(request, reply);
          if (!isResident(request)) throw new AppError('FORBIDDEN', 'Only residents apply for services.');
          const target = { kind, id: request.params.id };
          const context = applicationsContextOf(request);
          const body = request.body as Record<string, string>;
          const prefilled: Record<string, string> = {};
          const answers: Record<string, string> = {};
          for (const [name, value] of Object.entries(body)) {
            if (name.startsWith('prefilled.')) prefilled[name.slice('prefilled.'.length)] = value;
            else if (!['_csrf', 'idempotencyKey', 'consent'].includes(name)) answers[name] = value;
          }
          const form = await applications.form(context, target);
          const registry = form ? form.mode === 'registry' : Object.keys(prefilled).length > 0;
          // Without the ticked confirmation nothing is read: the form again, or (no form any more) a 400.
          if (registry && body.consent !== 'yes' && !form) {
            throw new AppError('VALIDATION_FAILED', 'Agree to the check of the registry values to submit.', [{ field: '/body/consent', message: 'agree to the check to submit' }]);
          }
          if (registry && body.consent !== 'yes' && form) {
            // Every problem at once: the missing confirmation and whatever else is missing.
            const { problems } = checkAnswers(form.answers, answers, '/body');
            return renderForm(request, reply, form, body, [{ field: '/body/consent', message: 'agree to the check to submit' }, ...problems]);
          }
          try {
            const { application } = await applications.submit(context, {
              target,
              idempotencyKey: body.idempotencyKey ?? '',
              consent: registry,
              answers,
              prefilled: registry ? prefilled : undefined,
              prefilledComplete: true,
              pointers: { answers: '/body', prefilled: '/body/prefilled', consent: '/body/consent' },
            });
            return reply.redirect(`/me/applications/${application.id}?done=submitted`, 303);
          } catch (error) {
            // Missing or malformed answers: the form again with its errors. Tampered registry values are a plain 400 problem.
            if (form && error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.errors?.length && error.errors.every((p) => !p.field.startsWith('/body/prefilled'))) {
              return renderForm(request, reply, form, body, error.errors);
            }
            throw error;
          }
        },
      );
    }

    app.get('/me/applications', { schema: { ...pageSchema('My applications: each application with its status at each agency'), querystring: LocaleQuery } }, async (request, reply) => {
      if (!request.principal) return redirectToSignIn(request, reply);
      if (!isResident(request)) return residentsOnly(request, reply);
      const locale = request.locale;
      const list = await applications.listMine(applicationsContextOf(request));
      const title = t(locale, messages.myTitle);
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
<p>${t(locale, messages.myLead)}</p>
${
  list.length === 0
    ? html`<p class="notice" id="applications-empty">${t(locale, messages.myEmpty)} <a href="/services">${t(locale, messages.findServices)}</a></p>`
    : html`<ul class="choice-list" id="applications">${list.map(
        (a) => html`<li data-application="${a.id}"><h2><a href="/me/applications/${a.id}">${a.name[locale]} <span class="hint">${a.id}</span></a></h2>
<p>${t(locale, messages.submittedOn, { when: formatDateTime(locale, new Date(a.submittedAt)) })}</p>
${caseTable(locale, a, `cases-${a.id}`)}</li>`,
      )}</ul>`
}`,
      });
    });

    app.get(
      '/me/applications/:id',
      {
        schema: {
          ...pageSchema('One of my applications: cases, history, what was checked with the agencies', { errors: [404] }),
          params: Type.Object({ id: Type.String({ pattern: APPLICATION_ID_PATTERN, maxLength: 40 }) }),
          querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) return residentsOnly(request, reply);
        const application = await applications.getMine(applicationsContextOf(request), request.params.id);
        return renderApplication(request, reply, application, request.query.done === 'submitted');
      },
    );

    // ── Officials ────────────────────────────────────────────────────────────────────────────

    function officialsOnly(request: FastifyRequest, reply: FastifyReply) {
      const title = t(request.locale, messages.consoleTitle);
      return renderPage(request, reply, { status: 403, title, body: html`<h1>${title}</h1><p>${t(request.locale, messages.officialsOnly)}</p>` });
    }

    app.get('/console/cases', { schema: { ...pageSchema('Console: the cases of the official\'s own agency'), querystring: LocaleQuery } }, async (request, reply) => {
      if (!request.principal) return redirectToSignIn(request, reply);
      if (!isOfficial(request)) return officialsOnly(request, reply);
      const locale = request.locale;
      const cases = await applications.listCases(applicationsContextOf(request));
      const title = t(locale, messages.consoleTitle);
      const agency = request.principal.agencyCode!;
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
<p>${t(locale, messages.consoleLead, { agency: `${agencyName(agency)[locale]} (${agency})` })}</p>
${
  cases.length === 0
    ? html`<p class="notice" id="cases-empty">${t(locale, messages.consoleEmpty)}</p>`
    : html`<table id="cases"><caption>${t(locale, messages.consoleCaption, { n: cases.length })}</caption>
<thead><tr><th scope="col">${t(locale, messages.caseId)}</th><th scope="col">${t(locale, messages.service)}</th><th scope="col">${t(locale, messages.status)}</th><th scope="col">${t(locale, messages.updated)}</th></tr></thead>
<tbody>${cases.map(
        (c) => html`<tr data-case="${c.id}"><td><a href="/console/cases/${c.id}">${c.id}</a></td><td>${c.serviceName[locale]}</td><td>${statusText(locale, c.status)}</td>
<td><time datetime="${c.updatedAt}">${formatDateTime(locale, new Date(c.updatedAt))}</time></td></tr>`,
      )}</tbody></table>`
}`,
      });
    });

    const CaseParams = Type.Object({ id: Type.String({ pattern: CASE_ID_PATTERN, maxLength: 40 }) });

    async function renderCase(request: FastifyRequest, reply: FastifyReply, id: string, options: { problems?: FieldProblem[]; values?: Record<string, string>; done?: boolean } = {}) {
      const locale = request.locale;
      const detail = await applications.getCase(applicationsContextOf(request), id);
      const title = t(locale, messages.caseTitle, { id: detail.id });
      const problems = options.problems ?? [];
      const errors = new Map<string, string>();
      for (const p of problems) {
        if (p.field === '/body/status') errors.set('status', t(locale, messages.err_status));
        if (p.field === '/body/reason') errors.set('reason', t(locale, messages.err_reason));
      }
      const values = options.values ?? {};
      return renderPage(request, reply, {
        status: problems.length ? 400 : 200,
        title: problems.length ? `${t(locale, messages.errorTitlePrefix)} ${title}` : title,
        body: html`<h1>${title}</h1>
${options.done ? html`<div class="success" role="status"><p>${t(locale, messages.decided)}</p></div>` : ''}
${errorSummary(locale, [...errors].map(([name, message]) => ({ target: name, message })))}
<dl class="facts"><dt>${t(locale, messages.service)}</dt><dd>${detail.serviceName[locale]}</dd>
<dt>${t(locale, messages.applicant)}</dt><dd>${detail.applicant.name[locale]}</dd>
<dt>${t(locale, messages.status)}</dt><dd id="case-status" data-status="${detail.status}">${statusText(locale, detail.status)}${detail.reason ? html` — ${detail.reason}` : ''}</dd>
<dt>${t(locale, messages.how)}</dt><dd>${t(locale, detail.mode === 'registry' ? messages.modeRegistry : messages.modeUploads)}</dd></dl>
${detail.prefilled.length ? html`<h2>${t(locale, messages.registryData)}</h2><dl class="facts">${detail.prefilled.map((f) => html`<dt>${f.label[locale]}</dt><dd>${codeWords(locale, f) ?? (f.value || t(locale, messages.none))}</dd>`)}</dl>` : ''}
<h2>${t(locale, messages.yourAnswers)}</h2><dl class="facts">${Object.entries(detail.answers).map(([name, value]) => html`<dt><code>${name}</code></dt><dd>${value}</dd>`)}</dl>
<h2>${t(locale, messages.history)}</h2>${historyList(locale, detail)}
<h2>${t(locale, messages.decide)}</h2>
${
  detail.allowedNext.length === 0
    ? html`<p>${t(locale, messages.final)}</p>`
    : html`<form method="post" action="/console/cases/${detail.id}/decisions" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="${errors.has('status') ? 'field field-error' : 'field'}"><label for="status">${t(locale, messages.newStatus)}</label>
${errors.has('status') ? html`<p class="error-message" id="status-error">${errors.get('status')!}</p>` : ''}
<select id="status" name="status"${errors.has('status') ? html` aria-describedby="status-error" aria-invalid="true"` : ''}><option value="">${t(locale, messages.choose)}</option>${detail.allowedNext.map(
        (s) => html`<option value="${s}"${values.status === s ? html` selected` : ''}>${statusText(locale, s)}</option>`,
      )}</select></div>
<div class="${errors.has('reason') ? 'field field-error' : 'field'}"><label for="reason">${t(locale, messages.reasonLabel)}</label>
${errors.has('reason') ? html`<p class="error-message" id="reason-error">${errors.get('reason')!}</p>` : ''}
<textarea id="reason" name="reason" rows="3" maxlength="1000"${errors.has('reason') ? html` aria-describedby="reason-error" aria-invalid="true"` : ''}>${values.reason ?? ''}</textarea></div>
<button type="submit" class="button">${t(locale, messages.saveDecision)}</button></form>`
}
<p><a href="/console/cases">${t(locale, messages.backToCases)}</a></p>`,
      });
    }

    app.get(
      '/console/cases/:id',
      {
        schema: {
          ...pageSchema('Console: one case of the official\'s agency, with the decision form (another agency\'s case: 404)', { errors: [404] }),
          params: CaseParams,
          querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })), lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isOfficial(request)) return officialsOnly(request, reply);
        return renderCase(request, reply, request.params.id, { done: request.query.done === '1' });
      },
    );

    app.post(
      '/console/cases/:id/decisions',
      {
        schema: {
          ...pageSchema('Console: move a case to in-review, approved or rejected (reason required to reject); audited', { redirects: true, errors: [400, 403, 404, 409] }),
          params: CaseParams,
          body: Type.Object({ _csrf: Type.String({ maxLength: 100 }), status: Type.Optional(Type.String({ maxLength: 20 })), reason: Type.Optional(Type.String({ maxLength: 2000 })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isOfficial(request)) throw new AppError('FORBIDDEN', 'Only agency officials process cases.');
        const values = { status: request.body.status ?? '', reason: request.body.reason ?? '' };
        try {
          await applications.decide(applicationsContextOf(request), request.params.id, values);
        } catch (error) {
          if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.errors?.length) {
            return renderCase(request, reply, request.params.id, { problems: error.errors, values });
          }
          throw error;
        }
        return reply.redirect(`/console/cases/${request.params.id}?done=1`, 303);
      },
    );
  };
}
