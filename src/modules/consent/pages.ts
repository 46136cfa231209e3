// The resident's consent pages, Korean and English, without JavaScript: "My consents" (list),
// the grant form (CSRF, error summary on invalid input), and the consent receipt (Kantara-style:
// who, what, why, until when, how to withdraw) with pause, resume and revoke buttons.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { redirectToSignIn } from '../../core/auth';
import { AppError, type FieldProblem } from '../../core/errors';
import { defineMessages, formatDateTime, t, type Locale } from '../../core/i18n';
import { koreanDate } from '../../core/period';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html, type SafeHtml } from '../../core/web/html';
import { errorSummary } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import { findPurpose } from '../agreements';
import { findDataProduct } from '../registry/data-products';
import { consentContextOf } from './routes';
import {
  CONSENT_ID_PATTERN,
  CONSENT_PURPOSE_CODES,
  consentableProducts,
  FREQUENCY_UNITS,
  type Consent,
  type ConsentAction,
  type ConsentService,
  type ConsentState,
  type GrantInput,
  validateGrant,
} from './service';

const messages = defineMessages({
  title: { ko: '내 동의 관리', en: 'My consents' },
  lead: {
    ko: '내가 기관이나 은행 등에 내 정보를 받아 가도록 허락한 동의(마이데이터)입니다. 언제든 일시 중지하거나 철회할 수 있습니다.',
    en: 'The consents (MyData) you gave agencies, banks and others to fetch your data. You can pause or withdraw any of them at any time.',
  },
  newConsent: { ko: '새 동의하기', en: 'Give a new consent' },
  empty: { ko: '아직 동의한 내역이 없습니다.', en: 'You have not given any consent yet.' },
  caption: { ko: '내 동의 {n}건', en: 'Your consents ({n})' },
  recipient: { ko: '받는 곳', en: 'Recipient' },
  purpose: { ko: '목적', en: 'Purpose' },
  purposeText: { ko: '목적 설명', en: 'Purpose in your words' },
  purposeTextHint: { ko: '예: 전세자금 대출 심사', en: 'For example: screening my housing loan application' },
  dataTypes: { ko: '제공할 정보', en: 'Data to share' },
  dataTypesHint: { ko: '선택한 정보 전체가 제공됩니다.', en: 'Each chosen item is shared in full.' },
  validity: { ko: '유효 기간', en: 'Valid' },
  consentStart: { ko: '시작일', en: 'Start date' },
  consentExpiry: { ko: '만료일', en: 'Expiry date' },
  dateHint: { ko: '예: 2026-12-31', en: 'For example 2026-12-31' },
  fetchType: { ko: '이용 방식', en: 'How often' },
  ONETIME: { ko: '1회만', en: 'Once only' },
  PERIODIC: { ko: '정기적으로', en: 'Regularly' },
  frequencyValue: { ko: '기간당 최대 이용 횟수(정기적일 때)', en: 'Most uses per period (if regular)' },
  frequencyUnit: { ko: '기간(정기적일 때)', en: 'Period (if regular)' },
  DAY: { ko: '하루', en: 'day' },
  WEEK: { ko: '일주일', en: 'week' },
  MONTH: { ko: '한 달', en: 'month' },
  YEAR: { ko: '1년', en: 'year' },
  dataLifeDays: { ko: '받는 곳의 보관 기간(일)', en: 'How long the recipient may keep the data (days)' },
  dataLifeHint: { ko: '0이면 조회만 하고 보관하지 않습니다.', en: '0 means view only, not kept.' },
  submit: { ko: '동의하고 증표 받기', en: 'Consent and get my receipt' },
  state: { ko: '상태', en: 'Status' },
  ACTIVE: { ko: '유효', en: 'Active' },
  PAUSED: { ko: '일시 중지', en: 'Paused' },
  REVOKED: { ko: '철회됨', en: 'Withdrawn' },
  EXPIRED: { ko: '만료됨', en: 'Expired' },
  usedUp: { ko: '(1회 이용 완료)', en: '(used once; used up)' },
  open: { ko: '증표 보기', en: 'View receipt' },
  receipt: { ko: '동의 증표', en: 'Consent receipt' },
  receiptLead: {
    ko: '이 증표는 OnceGov가 전자서명한 동의 내용입니다. 받는 곳은 이 동의 범위 안에서만 내 정보를 받을 수 있습니다.',
    en: 'This receipt is the consent OnceGov signed electronically. The recipient may fetch your data only within it.',
  },
  who: { ko: '누가 받나요', en: 'Who receives it' },
  what: { ko: '무엇을', en: 'What' },
  why: { ko: '왜', en: 'Why' },
  until: { ko: '언제까지', en: 'Until when' },
  howOften: { ko: '얼마나 자주', en: 'How often' },
  keep: { ko: '보관 기간', en: 'Kept for' },
  life_DAY: { ko: '{n}일', en: '{n} day(s)' },
  life_MONTH: { ko: '{n}개월', en: '{n} month(s)' },
  life_YEAR: { ko: '{n}년', en: '{n} year(s)' },
  viewOnly: { ko: '보관하지 않음(조회만)', en: 'Not kept (view only)' },
  periodic: { ko: '{unit}에 최대 {n}회', en: 'Up to {n} times a {unit}' },
  uses: { ko: '이용 횟수', en: 'Used' },
  usesValue: { ko: '{n}회', en: '{n} time(s)' },
  lastUse: { ko: '마지막 이용: {when}', en: 'last on {when}' },
  controller: { ko: '동의 관리', en: 'Consent managed by' },
  controllerValue: { ko: 'OnceGov 디지털플랫폼정부(시연), 대한민국', en: 'OnceGov digital platform government (demo), Republic of Korea' },
  consentId: { ko: '동의 번호', en: 'Consent ID' },
  given: { ko: '동의한 때', en: 'Given on' },
  withdraw: { ko: '철회하는 방법', en: 'How to withdraw' },
  withdrawText: {
    ko: '아래 "동의 철회" 단추를 누르면 즉시 철회되어 받는 곳은 더 이상 정보를 받을 수 없습니다. 철회 전에 이미 받은 정보는 보관 기간이 지나면 파기해야 합니다.',
    en: 'Press "Withdraw consent" below: it takes effect at once and the recipient can no longer fetch your data. Data already fetched must be deleted when its keeping period ends.',
  },
  usage: { ko: '이 동의로 누가 언제 내 정보를 이용했는지는 "내 정보 이용 내역"에서 볼 수 있습니다.', en: 'See who used your data under this consent, and when, in "Who used my data".' },
  usageLink: { ko: '내 정보 이용 내역', en: 'Who used my data' },
  signed: { ko: '전자서명된 동의서(JWS)', en: 'Signed consent artefact (JWS)' },
  verify: { ko: '서명 확인', en: 'Verify the signature' },
  pause: { ko: '일시 중지', en: 'Pause' },
  resume: { ko: '다시 사용', en: 'Resume' },
  revoke: { ko: '동의 철회', en: 'Withdraw consent' },
  done_grant: { ko: '동의했습니다. 아래 증표를 확인하세요.', en: 'Your consent is recorded. Here is your receipt.' },
  done_pause: { ko: '동의를 일시 중지했습니다.', en: 'The consent is paused.' },
  done_resume: { ko: '동의를 다시 사용합니다.', en: 'The consent is active again.' },
  done_revoke: { ko: '동의를 철회했습니다.', en: 'The consent is withdrawn.' },
  back: { ko: '내 동의 관리로 돌아가기', en: 'Back to my consents' },
  staffOnly: { ko: '동의 관리는 주민만 할 수 있습니다.', en: 'Only residents manage consents.' },
  errorTitlePrefix: { ko: '오류:', en: 'Error:' },
  err_recipient: { ko: '받는 곳을 선택하세요', en: 'Choose a recipient' },
  err_purposeCode: { ko: '목적을 선택하세요', en: 'Choose a purpose' },
  err_purposeText: { ko: '목적 설명을 2~500자로 입력하세요', en: 'Describe the purpose in 2 to 500 characters' },
  err_dataTypes: { ko: '제공할 정보를 하나 이상 선택하세요', en: 'Choose at least one kind of data' },
  err_consentStart: { ko: '시작일을 예: 2026-12-31 형식으로, 오늘 이후로 입력하세요', en: 'Enter a start date like 2026-12-31, today or later' },
  err_consentExpiry: { ko: '만료일을 시작일 이후, 5년 이내로 입력하세요', en: 'Enter an expiry date after the start and within 5 years' },
  err_fetchType: { ko: '이용 방식을 선택하세요', en: 'Choose how often' },
  err_frequencyValue: { ko: '정기적 이용이면 기간당 횟수를 1~100으로 입력하세요', en: 'For regular use, enter 1 to 100 uses per period' },
  err_frequencyUnit: { ko: '정기적 이용이면 기간을 선택하세요', en: 'For regular use, choose a period' },
  err_dataLifeDays: { ko: '보관 기간을 0~3650일로 입력하세요', en: 'Enter a keeping period of 0 to 3650 days' },
  choose: { ko: '선택하세요', en: 'Choose' },
});

type FormField = 'recipient' | 'purposeCode' | 'purposeText' | 'dataTypes' | 'consentStart' | 'consentExpiry' | 'fetchType' | 'frequencyValue' | 'frequencyUnit' | 'dataLifeDays';

interface FormValues {
  recipient: string;
  purposeCode: string;
  purposeText: string;
  dataTypes: string[];
  consentStart: string;
  consentExpiry: string;
  fetchType: string;
  frequencyValue: string;
  frequencyUnit: string;
  dataLifeDays: string;
}

/** A problem's JSON Pointer → the form control it belongs to. */
function formFieldOf(problem: FieldProblem): FormField {
  const path = problem.field.replace(/^\/body\//, '');
  if (path.startsWith('frequency/unit')) return 'frequencyUnit';
  if (path.startsWith('frequency')) return 'frequencyValue';
  if (path.startsWith('dataLife')) return 'dataLifeDays';
  return (['recipient', 'purposeCode', 'purposeText', 'dataTypes', 'consentStart', 'consentExpiry', 'fetchType'] as const).find((f) => path.startsWith(f)) ?? 'purposeText';
}

const kstDate = (iso: string): string => koreanDate(Date.parse(iso));

function stateText(locale: Locale, consent: Consent): string {
  return `${t(locale, messages[consent.state])}${consent.usedUp && consent.state === 'ACTIVE' ? ` ${t(locale, messages.usedUp)}` : ''}`;
}

function recipientLabel(locale: Locale, consent: Consent): SafeHtml {
  return html`${consent.recipientName ? html`${consent.recipientName[locale]} ` : ''}<code>${consent.recipient}</code>`;
}

function productList(locale: Locale, ids: string[]): SafeHtml {
  return html`<ul>${ids.map((id) => html`<li>${findDataProduct(id)?.title[locale] ?? id} <code>${id}</code></li>`)}</ul>`;
}

function purposeTitle(locale: Locale, code: string): string {
  return findPurpose(code)?.title[locale] ?? code;
}

const ACTIONS_FOR: Record<ConsentState, ConsentAction[]> = { ACTIVE: ['pause', 'revoke'], PAUSED: ['resume', 'revoke'], REVOKED: [], EXPIRED: [] };

export function consentPages(consents: ConsentService) {
  async function renderForm(request: FastifyRequest, reply: FastifyReply, values: FormValues, problems: FieldProblem[]) {
    const locale = request.locale;
    const recipients = await consents.recipients();
    const byField = new Map<FormField, string>();
    for (const problem of problems) {
      const field = formFieldOf(problem);
      if (!byField.has(field)) byField.set(field, t(locale, messages[`err_${field}`]));
    }
    const cls = (f: FormField) => (byField.has(f) ? 'field field-error' : 'field');
    const err = (f: FormField) => (byField.has(f) ? html`<p class="error-message" id="${f}-error">${byField.get(f)!}</p>` : '');
    const aria = (f: FormField, hint = false) => {
      const ids = [hint ? `${f}-hint` : '', byField.has(f) ? `${f}-error` : ''].filter(Boolean).join(' ');
      return html`${ids ? html` aria-describedby="${ids}"` : ''}${byField.has(f) ? html` aria-invalid="true"` : ''}`;
    };
    const title = t(locale, messages.newConsent);
    return renderPage(request, reply, {
      status: problems.length ? 400 : 200,
      title: problems.length ? `${t(locale, messages.errorTitlePrefix)} ${title}` : title,
      body: html`<h1>${title}</h1>
${errorSummary(locale, [...byField].map(([field, message]) => ({ target: field, message })))}
<p><a href="/me/consents">${t(locale, messages.back)}</a></p>
<form method="post" action="/me/consents" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="${cls('recipient')}"><label for="recipient">${t(locale, messages.recipient)}</label>
${err('recipient')}
<select id="recipient" name="recipient"${aria('recipient')}><option value="">${t(locale, messages.choose)}</option>${recipients.map(
        (s) => html`<option value="${s.id}"${s.id === values.recipient ? html` selected` : ''}>${s.name[locale]} (${s.id})</option>`,
      )}</select></div>
<div class="${cls('purposeCode')}"><label for="purposeCode">${t(locale, messages.purpose)}</label>
${err('purposeCode')}
<select id="purposeCode" name="purposeCode"${aria('purposeCode')}><option value="">${t(locale, messages.choose)}</option>${CONSENT_PURPOSE_CODES.map(
        (code) => html`<option value="${code}"${code === values.purposeCode ? html` selected` : ''}>${purposeTitle(locale, code)} (${code})</option>`,
      )}</select></div>
<div class="${cls('purposeText')}"><label for="purposeText">${t(locale, messages.purposeText)}</label>
<p class="hint" id="purposeText-hint">${t(locale, messages.purposeTextHint)}</p>
${err('purposeText')}
<textarea id="purposeText" name="purposeText" rows="2" maxlength="500"${aria('purposeText', true)}>${values.purposeText}</textarea></div>
<fieldset class="${cls('dataTypes')}" id="dataTypes"${aria('dataTypes', true)}><legend>${t(locale, messages.dataTypes)}</legend>
<p class="hint" id="dataTypes-hint">${t(locale, messages.dataTypesHint)}</p>
${err('dataTypes')}
${consentableProducts().map(
  (p) => html`<div><input type="checkbox" id="dataType-${p.id}" name="dataTypes" value="${p.id}"${values.dataTypes.includes(p.id) ? html` checked` : ''}>
<label for="dataType-${p.id}">${p.title[locale]} <code>${p.id}</code></label></div>`,
)}
</fieldset>
<div class="${cls('consentStart')}"><label for="consentStart">${t(locale, messages.consentStart)}</label>
<p class="hint" id="consentStart-hint">${t(locale, messages.dateHint)}</p>
${err('consentStart')}
<input id="consentStart" name="consentStart" type="date" value="${values.consentStart}"${aria('consentStart', true)}></div>
<div class="${cls('consentExpiry')}"><label for="consentExpiry">${t(locale, messages.consentExpiry)}</label>
<p class="hint" id="consentExpiry-hint">${t(locale, messages.dateHint)}</p>
${err('consentExpiry')}
<input id="consentExpiry" name="consentExpiry" type="date" value="${values.consentExpiry}"${aria('consentExpiry', true)}></div>
<fieldset class="${cls('fetchType')}" id="fetchType"${aria('fetchType')}><legend>${t(locale, messages.fetchType)}</legend>
${err('fetchType')}
${(['ONETIME', 'PERIODIC'] as const).map(
  (f) => html`<div><input type="radio" id="fetchType-${f}" name="fetchType" value="${f}"${values.fetchType === f ? html` checked` : ''}>
<label for="fetchType-${f}">${t(locale, messages[f])}</label></div>`,
)}
</fieldset>
<div class="${cls('frequencyValue')}"><label for="frequencyValue">${t(locale, messages.frequencyValue)}</label>
${err('frequencyValue')}
<input id="frequencyValue" name="frequencyValue" inputmode="numeric" value="${values.frequencyValue}"${aria('frequencyValue')}></div>
<div class="${cls('frequencyUnit')}"><label for="frequencyUnit">${t(locale, messages.frequencyUnit)}</label>
${err('frequencyUnit')}
<select id="frequencyUnit" name="frequencyUnit"${aria('frequencyUnit')}>${FREQUENCY_UNITS.map(
        (u) => html`<option value="${u}"${u === values.frequencyUnit ? html` selected` : ''}>${t(locale, messages[u])}</option>`,
      )}</select></div>
<div class="${cls('dataLifeDays')}"><label for="dataLifeDays">${t(locale, messages.dataLifeDays)}</label>
<p class="hint" id="dataLifeDays-hint">${t(locale, messages.dataLifeHint)}</p>
${err('dataLifeDays')}
<input id="dataLifeDays" name="dataLifeDays" inputmode="numeric" value="${values.dataLifeDays}"${aria('dataLifeDays', true)}></div>
<button type="submit" class="button">${t(locale, messages.submit)}</button>
</form>`,
    });
  }

  function renderReceipt(request: FastifyRequest, reply: FastifyReply, consent: Consent, done?: string) {
    const locale = request.locale;
    const title = t(locale, messages.receipt);
    const doneKey = `done_${done ?? ''}` as keyof typeof messages;
    const doneMessage = done && doneKey in messages ? t(locale, messages[doneKey]) : null;
    const unit = (u: string) => t(locale, messages[u as 'DAY']);
    return renderPage(request, reply, {
      title,
      body: html`<h1>${title}</h1>
${doneMessage ? html`<div class="success" role="status"><p>${doneMessage}</p></div>` : ''}
<p>${t(locale, messages.receiptLead)}</p>
<dl class="facts" id="receipt">
<dt>${t(locale, messages.state)}</dt><dd id="consent-state">${stateText(locale, consent)}</dd>
<dt>${t(locale, messages.who)}</dt><dd>${recipientLabel(locale, consent)}</dd>
<dt>${t(locale, messages.what)}</dt><dd>${productList(locale, consent.dataTypes)}</dd>
<dt>${t(locale, messages.why)}</dt><dd>${purposeTitle(locale, consent.purpose.code)} (${consent.purpose.code}): ${consent.purpose.text}</dd>
<dt>${t(locale, messages.until)}</dt><dd><time datetime="${consent.consentStart}">${formatDateTime(locale, new Date(consent.consentStart))}</time> – <time datetime="${consent.consentExpiry}">${formatDateTime(locale, new Date(consent.consentExpiry))}</time></dd>
<dt>${t(locale, messages.howOften)}</dt><dd>${consent.frequency ? t(locale, messages.periodic, { n: consent.frequency.value, unit: unit(consent.frequency.unit) }) : t(locale, messages.ONETIME)}</dd>
<dt>${t(locale, messages.keep)}</dt><dd>${consent.dataLife.value === 0 ? t(locale, messages.viewOnly) : t(locale, messages[`life_${consent.dataLife.unit}`], { n: consent.dataLife.value })}</dd>
<dt>${t(locale, messages.uses)}</dt><dd>${t(locale, messages.usesValue, { n: consent.useCount })}${consent.lastUsedAt ? html`, ${t(locale, messages.lastUse, { when: formatDateTime(locale, new Date(consent.lastUsedAt)) })}` : ''}</dd>
<dt>${t(locale, messages.given)}</dt><dd><time datetime="${consent.createdAt}">${formatDateTime(locale, new Date(consent.createdAt))}</time></dd>
<dt>${t(locale, messages.controller)}</dt><dd>${t(locale, messages.controllerValue)}</dd>
<dt>${t(locale, messages.consentId)}</dt><dd><code>${consent.id}</code></dd>
</dl>
<h2>${t(locale, messages.withdraw)}</h2>
<p>${t(locale, messages.withdrawText)}</p>
${ACTIONS_FOR[consent.state].map(
  (action) => html`<form method="post" action="/me/consents/${consent.id}/${action}">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<button type="submit" class="button">${t(locale, messages[action])}</button></form>`,
)}
<p>${t(locale, messages.usage)} <a href="/me/data-usage">${t(locale, messages.usageLink)}</a></p>
<details><summary>${t(locale, messages.signed)}</summary>
<p><code style="word-break: break-all">${consent.signedConsent}</code></p>
<p><a href="/api/v1/consents/${consent.id}/verification">${t(locale, messages.verify)}</a></p>
</details>
<p><a href="/me/consents">${t(locale, messages.back)}</a></p>`,
    });
  }

  function staffPage(request: FastifyRequest, reply: FastifyReply) {
    const title = t(request.locale, messages.title);
    return renderPage(request, reply, { title, body: html`<h1>${title}</h1><p>${t(request.locale, messages.staffOnly)}</p>` });
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const isResident = (request: FastifyRequest) => request.principal?.role === 'resident' && request.principal.residentId !== null;

    app.get(
      '/me/consents',
      { schema: { ...pageSchema('My consents: the signed-in resident\'s MyData consents; signed-out visitors are sent to sign in'), querystring: LocaleQuery } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) return staffPage(request, reply);
        const locale = request.locale;
        const list = await consents.list(consentContextOf(request));
        const title = t(locale, messages.title);
        return renderPage(request, reply, {
          title,
          body: html`<h1>${title}</h1>
<p>${t(locale, messages.lead)}</p>
<p><a class="button" href="/me/consents/new">${t(locale, messages.newConsent)}</a></p>
${
  list.length === 0
    ? html`<p class="notice" id="consents-empty">${t(locale, messages.empty)}</p>`
    : html`<table id="consents"><caption>${t(locale, messages.caption, { n: list.length })}</caption>
<thead><tr><th scope="col">${t(locale, messages.recipient)}</th><th scope="col">${t(locale, messages.dataTypes)}</th><th scope="col">${t(locale, messages.purpose)}</th><th scope="col">${t(locale, messages.validity)}</th><th scope="col">${t(locale, messages.state)}</th><th scope="col">${t(locale, messages.receipt)}</th></tr></thead>
<tbody>${list.map(
        (c) => html`<tr><td>${recipientLabel(locale, c)}</td><td>${productList(locale, c.dataTypes)}</td><td>${c.purpose.text}</td>
<td><time datetime="${c.consentExpiry}">${formatDateTime(locale, new Date(c.consentExpiry))}</time></td><td>${stateText(locale, c)}</td>
<td><a href="/me/consents/${c.id}">${t(locale, messages.open)}</a></td></tr>`,
      )}</tbody></table>`
}`,
        });
      },
    );

    app.get(
      '/me/consents/new',
      { schema: { ...pageSchema('My consents: the form to give a new consent'), querystring: LocaleQuery } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) return staffPage(request, reply);
        const today = kstDate(new Date().toISOString());
        return renderForm(request, reply, {
          recipient: '',
          purposeCode: '',
          purposeText: '',
          dataTypes: [],
          consentStart: today,
          consentExpiry: '',
          fetchType: 'ONETIME',
          frequencyValue: '',
          frequencyUnit: 'MONTH',
          dataLifeDays: '30',
        }, []);
      },
    );

    app.post(
      '/me/consents',
      {
        attachValidation: true,
        schema: {
          ...pageSchema('My consents: give a consent from the form (audited); invalid input re-renders the form with its errors', { redirects: true, errors: [400, 403] }),
          body: Type.Object({
            _csrf: Type.String({ maxLength: 100 }),
            recipient: Type.Optional(Type.String({ maxLength: 300 })),
            purposeCode: Type.Optional(Type.String({ maxLength: 60 })),
            purposeText: Type.Optional(Type.String({ maxLength: 2000 })),
            dataTypes: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
            consentStart: Type.Optional(Type.String({ maxLength: 40 })),
            consentExpiry: Type.Optional(Type.String({ maxLength: 40 })),
            fetchType: Type.Optional(Type.String({ maxLength: 20 })),
            frequencyValue: Type.Optional(Type.String({ maxLength: 10 })),
            frequencyUnit: Type.Optional(Type.String({ maxLength: 10 })),
            dataLifeDays: Type.Optional(Type.String({ maxLength: 10 })),
          }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) throw new AppError('FORBIDDEN', 'Only residents give consents.');
        const body = (request.body ?? {}) as Record<string, unknown>;
        const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).slice(0, 2000) : '');
        const dataTypes = Array.isArray(body.dataTypes) ? body.dataTypes.filter((v): v is string => typeof v === 'string') : typeof body.dataTypes === 'string' ? [body.dataTypes] : [];
        const values: FormValues = {
          recipient: text('recipient'),
          purposeCode: text('purposeCode'),
          purposeText: text('purposeText'),
          dataTypes,
          consentStart: text('consentStart').trim(),
          consentExpiry: text('consentExpiry').trim(),
          fetchType: text('fetchType'),
          frequencyValue: text('frequencyValue').trim(),
          frequencyUnit: text('frequencyUnit'),
          dataLifeDays: text('dataLifeDays').trim(),
        };
        const whole = (value: string) => (/^\d{1,6}$/.test(value) ? Number(value) : -1);
        const problems: FieldProblem[] = [];
        // A date field must be a date here; the service would also take a date-time.
        if (values.consentStart && !/^\d{4}-\d{2}-\d{2}$/.test(values.consentStart)) problems.push({ field: '/body/consentStart', message: 'must be YYYY-MM-DD' });
        if (!/^\d{4}-\d{2}-\d{2}$/.test(values.consentExpiry)) problems.push({ field: '/body/consentExpiry', message: 'must be YYYY-MM-DD' });
        const input: GrantInput = {
          recipient: values.recipient,
          purposeCode: values.purposeCode,
          purposeText: values.purposeText,
          dataTypes,
          consentStart: values.consentStart || undefined,
          consentExpiry: values.consentExpiry,
          fetchType: values.fetchType,
          frequency: values.fetchType === 'PERIODIC' ? { unit: values.frequencyUnit, value: whole(values.frequencyValue) } : null,
          dataLife: { unit: 'DAY', value: whole(values.dataLifeDays) },
        };
        // Every problem at once: the form's own date checks and the service's rules.
        const recipient = (await consents.recipients()).find((r) => r.id === values.recipient);
        problems.push(...validateGrant(input, recipient).problems.filter((p) => !problems.some((q) => q.field === p.field)));
        if (problems.length) return renderForm(request, reply, values, problems);
        try {
          const consent = await consents.grant(consentContextOf(request), input);
          return reply.redirect(`/me/consents/${consent.id}?done=grant`, 303);
        } catch (error) {
          if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.errors?.length) return renderForm(request, reply, values, error.errors);
          throw error;
        }
      },
    );

    app.get(
      '/me/consents/:id',
      {
        schema: {
          ...pageSchema('My consents: the consent receipt (who, what, why, until when, how to withdraw)', { errors: [404] }),
          params: Type.Object({ id: Type.String({ pattern: CONSENT_ID_PATTERN, maxLength: 40 }) }),
          querystring: Type.Object({ lang: LocaleQuery.properties.lang, done: Type.Optional(Type.String({ maxLength: 20 })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) return staffPage(request, reply);
        const consent = await consents.get(consentContextOf(request), request.params.id);
        return renderReceipt(request, reply, consent, request.query.done);
      },
    );

    for (const action of ['pause', 'resume', 'revoke'] as const) {
      app.post(
        `/me/consents/:id/${action}`,
        {
          schema: {
            ...pageSchema(`My consents: ${action} a consent from its receipt (audited)`, { redirects: true, errors: [403, 404, 409] }),
            params: Type.Object({ id: Type.String({ pattern: CONSENT_ID_PATTERN, maxLength: 40 }) }),
            body: Type.Object({ _csrf: Type.String({ maxLength: 100 }) }),
          },
        },
        async (request, reply) => {
          if (!request.principal) return redirectToSignIn(request, reply);
          await consents.change(consentContextOf(request), request.params.id, action);
          return reply.redirect(`/me/consents/${request.params.id}?done=${action}`, 303);
        },
      );
    }
  };
}
