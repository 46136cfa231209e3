// The open data portal's pages for developers and data requests, Korean and English, without
// JavaScript, every form with the CSRF field:
// - /developers: what the API offers and its limits; for a signed-in person the registration form,
//   then their profile, a form to issue a key (shown once on the answer page), their keys with a
//   revoke form each, and each key's use per dataset over the last 30 days.
// - /data-requests: the public list; /data-requests/new (signed in) to ask an agency to release a
//   dataset; /data-requests/{id}: the request and its public history, with the form the viewer may
//   use in its state: the agency's answer, the requester's call for mediation, or the committee
//   secretariat's outcome.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TOptional, type TString } from '@sinclair/typebox';
import { redirectToSignIn } from '../../core/auth';
import { AppError, type FieldProblem } from '../../core/errors';
import { defineMessages, formatDate, formatDateTime, t, type Locale } from '../../core/i18n';
import { pageSchema } from '../../core/schemas';
import { errorSummary } from '../../core/web/forms';
import { html, type SafeHtml } from '../../core/web/html';
import { breadcrumbs } from '../../core/web/breadcrumbs';
import { renderPage } from '../../core/web/layout';
import { API_KEY_ID_PATTERN, type DeveloperService, type IssuedApiKey } from './api-keys';
import type { OpenDataCatalogue } from './catalogue';
import { DATA_REQUEST_STATES, stepsFrom, type DataRequestDetail, type DataRequestService, type DataRequestState, type DataRequestStep } from './data-requests';
import { contextOf } from './developer-routes';
import type { OpenDataApiGuard } from './rate-limits';
import type { UsageStatistics } from './usage';

const messages = defineMessages({
  catalogue: { ko: '데이터 목록', en: 'Data catalogue' },
  devTitle: { ko: '개발자 센터: API 키', en: 'Developers: API keys' },
  devLead: {
    ko: '공공데이터 API(CKAN 호환 /api/3/action/*, 파일 내려받기)는 누구나 키 없이 쓸 수 있지만, 개발자로 등록하고 API 키를 받으면 더 많이 호출할 수 있고 키별 이용 통계를 볼 수 있습니다.',
    en: 'Anyone may use the open data API (CKAN-compatible /api/3/action/*, file downloads) without a key; register as a developer and get an API key for a higher limit and usage statistics per key.',
  },
  limitsHeading: { ko: '호출 한도', en: 'Rate limits' },
  limitKeyed: { ko: 'API 키마다 {w}초에 {q}회', en: '{q} requests per {w} seconds per API key' },
  limitAnonymous: { ko: '키 없이: 접속 주소마다 {w}초에 {q}회', en: 'Without a key: {q} requests per {w} seconds per address' },
  limitsHow: {
    ko: '키는 X-API-Key 헤더나 Authorization 헤더(CKAN 클라이언트 방식)로 보냅니다. 모든 응답의 RateLimit-Policy와 RateLimit 헤더가 남은 횟수를 알려 주며, 한도를 넘으면 429 응답과 Retry-After 헤더를 받습니다.',
    en: 'Send the key in the X-API-Key header or in Authorization (as CKAN clients do). Every answer\'s RateLimit-Policy and RateLimit headers tell what is left; over the limit the answer is 429 with Retry-After.',
  },
  signInToRegister: { ko: '로그인하고 개발자로 등록하기', en: 'Sign in to register as a developer' },
  registerHeading: { ko: '개발자 등록', en: 'Register as a developer' },
  name: { ko: '이름 또는 단체명', en: 'Name or organisation' },
  email: { ko: '연락받을 이메일', en: 'Contact email' },
  emailHint: { ko: '키와 관련해 연락드릴 때만 씁니다. 예: dev@example.com', en: 'Used only to contact you about your keys. For example dev@example.com' },
  purpose: { ko: '이용 목적', en: 'What you will build' },
  purposeHint: { ko: '예: 우리 동네 대기질 알림 앱', en: 'For example: an air-quality alert app for my neighbourhood' },
  register: { ko: '등록하기', en: 'Register' },
  registered: { ko: '개발자로 등록했습니다. 이제 API 키를 발급받을 수 있습니다.', en: 'You are registered as a developer. You can now issue API keys.' },
  profileHeading: { ko: '내 개발자 정보', en: 'Your developer profile' },
  registeredAt: { ko: '등록일', en: 'Registered' },
  issueHeading: { ko: 'API 키 발급', en: 'Issue an API key' },
  label: { ko: '키 이름', en: 'Key name' },
  labelHint: { ko: '어디에 쓰는 키인지 알아볼 이름. 예: 대기질 앱 서버', en: 'A name to recognise the key by. For example: air app server' },
  issue: { ko: '발급', en: 'Issue key' },
  issuedHeading: { ko: 'API 키를 발급했습니다', en: 'API key issued' },
  issuedWarning: {
    ko: '아래 키는 지금 한 번만 표시됩니다. 안전한 곳에 복사해 두세요. 플랫폼은 키의 해시만 보관하므로 다시 보여 드릴 수 없습니다.',
    en: 'The key below is shown now and never again: copy it somewhere safe. The platform keeps only its hash and cannot show it again.',
  },
  key: { ko: 'API 키', en: 'API key' },
  keysHeading: { ko: '내 API 키', en: 'Your API keys' },
  keysCaption: { ko: 'API 키 {n}개 (최근 발급순), 최근 30일 호출 수 포함', en: '{n} API keys, newest first, with requests in the last 30 days' },
  noKeys: { ko: '발급받은 키가 없습니다.', en: 'You have no API keys yet.' },
  keyId: { ko: '키 ID', en: 'Key' },
  created: { ko: '발급일', en: 'Issued' },
  status: { ko: '상태', en: 'Status' },
  requests30: { ko: '최근 30일 호출', en: 'Requests, last 30 days' },
  active: { ko: '사용 중', en: 'Active' },
  revokedOn: { ko: '폐기됨({when})', en: 'Revoked ({when})' },
  revoke: { ko: '폐기', en: 'Revoke' },
  revokeReason: { ko: '폐기 사유(선택)', en: 'Reason for revoking (optional)' },
  revokedNotice: { ko: 'API 키 {id}를 폐기했습니다. 다음 요청부터 거부됩니다.', en: 'API key {id} is revoked; it is refused from the next request on.' },
  usageHeading: { ko: '키별 데이터 이용 통계(최근 30일)', en: 'Use per key and dataset (last 30 days)' },
  usageCaption: { ko: '키와 데이터셋별 호출 수', en: 'Requests per key and dataset' },
  dataset: { ko: '데이터셋', en: 'Dataset' },
  requests: { ko: '호출 수', en: 'Requests' },
  noDataset: { ko: '(검색 등 특정 데이터셋이 아닌 호출)', en: '(searches and other requests about no one dataset)' },
  noUsage: { ko: '아직 이용 기록이 없습니다.', en: 'No use recorded yet.' },
  openUsage: { ko: '데이터셋별 이용 통계(공개 JSON)', en: 'Use per dataset (open JSON)' },
  dataRequestsLink: { ko: '원하는 데이터가 없나요? 데이터 제공 요청하기', en: 'Missing a dataset? Ask for it to be released' },
  errorPrefix: { ko: '오류', en: 'Error' },
  err_name: { ko: '이름을 1~100자로 입력하세요', en: 'Enter a name of 1 to 100 characters' },
  err_email: { ko: '이메일 주소를 예: dev@example.com 형식으로 입력하세요', en: 'Enter an email address like dev@example.com' },
  err_purpose: { ko: '이용 목적을 2~1000자로 입력하세요', en: 'Describe what you will build in 2 to 1000 characters' },
  err_label: { ko: '키 이름을 1~100자로 입력하세요', en: 'Name the key in 1 to 100 characters' },
  // data requests
  drTitle: { ko: '데이터 제공 요청', en: 'Data requests' },
  drLead: {
    ko: '공개되지 않은 데이터의 제공을 기관에 요청할 수 있습니다. 기관이 답변하며, 거부된 요청은 공공데이터 제공 분쟁조정위원회에 조정을 신청할 수 있습니다. 모든 요청과 처리 과정은 공개됩니다(요청한 사람은 공개되지 않습니다).',
    en: 'Ask an agency to release data it has not published. The agency answers; a refused request can go to the Open Data Mediation Committee. Every request and each step is public (who asked is not).',
  },
  drNew: { ko: '데이터 제공 요청하기', en: 'Ask for a dataset' },
  drSignIn: { ko: '로그인하고 요청하기', en: 'Sign in to ask for a dataset' },
  drCaption: { ko: '데이터 제공 요청 {n}건 (최근 처리순)', en: '{n} data requests, most recently changed first' },
  drOwnAgency: { ko: '{agency}에 온 요청만 보기', en: 'Only requests to {agency}' },
  drAgencyFilter: { ko: '{agency}에 온 요청입니다.', en: 'Requests to {agency}.' },
  drNone: { ko: '아직 요청이 없습니다.', en: 'There are no data requests yet.' },
  drNumber: { ko: '번호', en: 'No.' },
  drRequestTitle: { ko: '요청 제목', en: 'Title' },
  drAgency: { ko: '제공 기관', en: 'Agency' },
  drState: { ko: '상태', en: 'Status' },
  drUpdated: { ko: '최근 처리', en: 'Last change' },
  drFormTitle: { ko: '제목', en: 'Title' },
  drFormTitleHint: { ko: '예: 시군구별 전기차 충전기 설치 현황', en: 'For example: electric-vehicle chargers by district' },
  drDescription: { ko: '필요한 데이터와 쓰임새', en: 'The data you need and what for' },
  drAgencyChoose: { ko: '데이터를 가진 기관', en: 'Agency that holds the data' },
  choose: { ko: '선택하세요', en: 'Choose' },
  drSubmit: { ko: '요청 보내기', en: 'Send request' },
  drBack: { ko: '데이터 제공 요청 목록으로', en: 'Back to data requests' },
  drHistory: { ko: '처리 과정', en: 'History' },
  drRequested: { ko: '요청일', en: 'Requested' },
  drDataset: { ko: '공개된 데이터', en: 'Released dataset' },
  drPlanned: { ko: '공개 예정일', en: 'Planned release' },
  drDue: { ko: '공개 기한(조정 결정)', en: 'Release due (mediation)' },
  answerHeading: { ko: '기관 답변', en: 'Answer for your agency' },
  decision: { ko: '답변', en: 'Answer' },
  decision_planned: { ko: '공개 예정', en: 'Release planned' },
  decision_released: { ko: '공개함', en: 'Released' },
  decision_refused: { ko: '공개 거부', en: 'Refused' },
  plannedDate: { ko: '공개 예정일(공개 예정일 때)', en: 'Planned release date (if planned)' },
  datasetId: { ko: '공개한 데이터셋 ID(공개함일 때)', en: 'Released dataset id (if released)' },
  datasetIdHint: { ko: '데이터 목록의 식별자. 예: me-air-quality-realtime', en: 'The catalogue identifier, e.g. me-air-quality-realtime' },
  reason: { ko: '사유 또는 설명(거부할 때 필수)', en: 'Reason or note (required when refusing)' },
  answer: { ko: '답변 등록', en: 'Record answer' },
  mediationHeading: { ko: '분쟁조정 신청', en: 'Ask for mediation' },
  mediationLead: {
    ko: '거부 결정에 동의하지 않으면 공공데이터 제공 분쟁조정위원회에 조정을 신청할 수 있습니다.',
    en: 'If you disagree with the refusal, you can take it to the Open Data Mediation Committee.',
  },
  mediationReason: { ko: '조정을 신청하는 이유', en: 'Why the refusal should be reviewed' },
  mediate: { ko: '조정 신청', en: 'Ask for mediation' },
  outcomeHeading: { ko: '분쟁조정위원회 결정 등록(사무국)', en: 'Record the committee\'s outcome (secretariat)' },
  outcome: { ko: '결정', en: 'Outcome' },
  outcome_upheld: { ko: '인용: 기관은 기한까지 공개해야 함', en: 'Upheld: the agency must release by a date' },
  outcome_dismissed: { ko: '기각', en: 'Dismissed' },
  releaseBy: { ko: '공개 기한(인용일 때)', en: 'Release by (if upheld)' },
  reasons: { ko: '결정 이유', en: 'Reasons' },
  recordOutcome: { ko: '결정 등록', en: 'Record outcome' },
  dateHint: { ko: '예: 2027-03-31', en: 'For example 2027-03-31' },
  err_title: { ko: '제목을 2~200자로 입력하세요', en: 'Give a title of 2 to 200 characters' },
  err_description: { ko: '필요한 데이터를 2~4000자로 설명하세요', en: 'Describe the data in 2 to 4000 characters' },
  err_agencyCode: { ko: '데이터를 가진 기관을 선택하세요', en: 'Choose the agency that holds the data' },
  err_decision: { ko: '답변을 선택하세요', en: 'Choose an answer' },
  err_plannedDate: { ko: '공개 예정일을 오늘 이후 날짜로 입력하세요', en: 'Enter a planned date, today or later' },
  err_datasetId: { ko: '데이터 목록에 있는 공개 데이터셋 ID를 입력하세요', en: 'Enter the id of a public dataset in the catalogue' },
  err_reason: { ko: '사유를 2~2000자로 입력하세요', en: 'Give a reason of 2 to 2000 characters' },
  err_outcome: { ko: '결정을 선택하세요', en: 'Choose an outcome' },
  err_releaseBy: { ko: '공개 기한을 오늘 이후 날짜로 입력하세요', en: 'Enter a release-by date, today or later' },
  err_reasons: { ko: '결정 이유를 2~4000자로 입력하세요', en: 'Give the reasons in 2 to 4000 characters' },
  role_resident: { ko: '요청인', en: 'Requester' },
  role_official: { ko: '{agency} 담당자', en: '{agency} official' },
  role_operator: { ko: '공공데이터 제공 분쟁조정위원회 사무국', en: 'Open Data Mediation Committee secretariat' },
  role_auditor: { ko: '감사인', en: 'Auditor' },
  step_submitted: { ko: '요청 접수', en: 'Request filed' },
  'step_answer-planned': { ko: '기관 답변: 공개 예정 ({date})', en: 'Agency answer: release planned ({date})' },
  'step_answer-released': { ko: '기관 답변: 공개함', en: 'Agency answer: released' },
  'step_answer-refused': { ko: '기관 답변: 공개 거부', en: 'Agency answer: refused' },
  step_mediation: { ko: '분쟁조정 신청', en: 'Mediation requested' },
  'step_mediation-upheld': { ko: '분쟁조정위원회 결정: 인용, {date}까지 공개', en: 'Committee outcome: upheld, release by {date}' },
  'step_mediation-dismissed': { ko: '분쟁조정위원회 결정: 기각', en: 'Committee outcome: dismissed' },
  state_SUBMITTED: { ko: '접수', en: 'Submitted' },
  state_RELEASE_PLANNED: { ko: '공개 예정', en: 'Release planned' },
  state_RELEASED: { ko: '공개됨', en: 'Released' },
  state_REFUSED: { ko: '거부됨', en: 'Refused' },
  state_IN_MEDIATION: { ko: '분쟁조정 중', en: 'In mediation' },
  state_MEDIATION_UPHELD: { ko: '조정 인용(공개 의무)', en: 'Mediation upheld (must release)' },
  state_MEDIATION_DISMISSED: { ko: '조정 기각', en: 'Mediation dismissed' },
  filterState: { ko: '상태로 거르기', en: 'Filter by status' },
  all: { ko: '전체', en: 'All' },
  show: { ko: '보기', en: 'Show' },
});

export function stateLabel(locale: Locale, state: DataRequestState): string {
  return t(locale, messages[`state_${state}`]);
}

type Errors = Map<string, string>;

/** A problem's field pointer (/body/name) → the form control's name, with the page's localised message. */
function formErrors(locale: Locale, problems: readonly FieldProblem[]): Errors {
  const errors: Errors = new Map();
  for (const problem of problems) {
    const name = problem.field.replace(/^\/body\//, '').split('/')[0]!;
    const key = `err_${name}` as keyof typeof messages;
    errors.set(name, key in messages ? t(locale, messages[key]) : problem.message);
  }
  return errors;
}

function summary(locale: Locale, errors: Errors, idOf: (name: string) => string = (name) => name): SafeHtml | '' {
  return errorSummary(locale, [...errors].map(([name, message]) => ({ target: idOf(name), message })));
}

interface FieldSpec {
  id: string;
  name?: string;
  label: string;
  hint?: string;
  value?: string;
  type?: 'text' | 'email' | 'date';
  multiline?: boolean;
  maxlength: number;
  autocomplete?: string;
  error?: string;
}

function textField(f: FieldSpec): SafeHtml {
  const described = [f.hint ? `${f.id}-hint` : '', f.error ? `${f.id}-error` : ''].filter(Boolean).join(' ');
  const aria = html`${described ? html` aria-describedby="${described}"` : ''}${f.error ? html` aria-invalid="true"` : ''}`;
  return html`<div class="field${f.error ? ' field-error' : ''}"><label for="${f.id}">${f.label}</label>
${f.hint ? html`<p class="hint" id="${f.id}-hint">${f.hint}</p>` : ''}
${f.error ? html`<p class="error-message" id="${f.id}-error">${f.error}</p>` : ''}
${
  f.multiline
    ? html`<textarea id="${f.id}" name="${f.name ?? f.id}" rows="4" maxlength="${f.maxlength}"${aria}>${f.value ?? ''}</textarea>`
    : html`<input id="${f.id}" name="${f.name ?? f.id}" type="${f.type ?? 'text'}" maxlength="${f.maxlength}" value="${f.value ?? ''}"${f.autocomplete ? html` autocomplete="${f.autocomplete}"` : ''}${aria}>`
}</div>`;
}

function radios(locale: Locale, f: { id: string; legend: string; options: Array<{ value: string; label: string }>; value?: string; error?: string }): SafeHtml {
  return html`<fieldset class="field${f.error ? ' field-error' : ''}" id="${f.id}"${f.error ? html` aria-describedby="${f.id}-error"` : ''}><legend>${f.legend}</legend>
${f.error ? html`<p class="error-message" id="${f.id}-error">${f.error}</p>` : ''}
${f.options.map(
  (o) => html`<div><input type="radio" id="${f.id}-${o.value}" name="${f.id}" value="${o.value}"${f.value === o.value ? html` checked` : ''}>
<label for="${f.id}-${o.value}">${o.label}</label></div>`,
)}</fieldset>`;
}

const FormBody = <K extends string>(fields: Record<K, number>) =>
  Type.Object({
    _csrf: Type.String({ maxLength: 100 }),
    ...(Object.fromEntries(Object.entries<number>(fields).map(([name, max]) => [name, Type.Optional(Type.String({ maxLength: max }))])) as Record<K, TOptional<TString>>),
  });

/** A posted form's text fields, without the CSRF token, to show back in the form beside its errors. */
function formValues(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => k !== '_csrf' && typeof v === 'string')) as Record<string, string>;
}

function validationProblems(error: unknown): FieldProblem[] | null {
  return error instanceof AppError && error.code === 'VALIDATION_FAILED' ? (error.errors ?? []) : null;
}

export function developerPages(deps: { developers: DeveloperService; usage: UsageStatistics; guard: OpenDataApiGuard }) {
  const { developers, usage, guard } = deps;

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { issued?: IssuedApiKey; revokedId?: string; registered?: boolean; errors?: Errors; values?: Record<string, string>; status?: number } = {},
  ): Promise<FastifyReply> {
    const locale = request.locale;
    const title = t(locale, messages.devTitle);
    const { keyed, anonymous } = guard.policies;
    const errors = state.errors ?? new Map<string, string>();
    const values = state.values ?? {};
    const intro = html`<p class="lead">${t(locale, messages.devLead)}</p>
<h2 id="limits-heading">${t(locale, messages.limitsHeading)}</h2>
<ul id="limits"><li>${t(locale, messages.limitKeyed, { q: keyed.quota, w: keyed.windowSeconds })}</li><li>${t(locale, messages.limitAnonymous, { q: anonymous.quota, w: anonymous.windowSeconds })}</li></ul>
<p>${t(locale, messages.limitsHow)}</p>
<p><a href="/api/v1/opendata/usage" type="application/json">${t(locale, messages.openUsage)}</a> · <a href="/data-requests?lang=${locale}">${t(locale, messages.dataRequestsLink)}</a></p>`;
    reply.header('cache-control', 'no-store');
    if (!request.principal) {
      return renderPage(request, reply, {
        title,
        body: html`${breadcrumbs(locale, [{ href: '/catalog', label: t(locale, messages.catalogue) }, { label: title }])}
<h1>${title}</h1>${intro}
<p><a class="button" href="/sign-in?returnTo=${encodeURIComponent('/developers')}">${t(locale, messages.signInToRegister)}</a></p>`,
      });
    }
    const profile = await developers.profile(contextOf(request));
    const prefix = errors.size ? `${t(locale, messages.errorPrefix)}: ` : '';
    if (!profile.developer) {
      return renderPage(request, reply, {
        title: `${prefix}${title}`,
        status: state.status,
        body: html`${breadcrumbs(locale, [{ href: '/catalog', label: t(locale, messages.catalogue) }, { label: title }])}
<h1>${title}</h1>
${summary(locale, errors)}
${intro}
<form method="post" action="/developers/register" class="form" aria-labelledby="register-heading" novalidate>
<h2 id="register-heading">${t(locale, messages.registerHeading)}</h2>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${textField({ id: 'name', label: t(locale, messages.name), value: values.name ?? request.principal.displayName[locale], maxlength: 100, autocomplete: 'name', error: errors.get('name') })}
${textField({ id: 'email', label: t(locale, messages.email), hint: t(locale, messages.emailHint), value: values.email, type: 'email', maxlength: 254, autocomplete: 'email', error: errors.get('email') })}
${textField({ id: 'purpose', label: t(locale, messages.purpose), hint: t(locale, messages.purposeHint), value: values.purpose, multiline: true, maxlength: 1000, error: errors.get('purpose') })}
<button type="submit" class="button">${t(locale, messages.register)}</button>
</form>`,
      });
    }
    const { developer, keys } = profile;
    const keyUsage = await usage.forKeys(keys.map((k) => k.id));
    const requestsOf = new Map(keyUsage.map((u) => [u.keyId, u.requests]));
    const used = keyUsage.filter((u) => u.requests > 0);
    return renderPage(request, reply, {
      title: `${prefix}${title}`,
      status: state.status,
      body: html`${breadcrumbs(locale, [{ href: '/catalog', label: t(locale, messages.catalogue) }, { label: title }])}
<h1>${title}</h1>
${summary(locale, errors)}
${state.registered ? html`<p class="notice" role="status" id="registered-notice">${t(locale, messages.registered)}</p>` : ''}
${state.revokedId ? html`<p class="notice" role="status" id="revoked-notice">${t(locale, messages.revokedNotice, { id: state.revokedId })}</p>` : ''}
${
  state.issued
    ? html`<section class="notice" id="issued" aria-labelledby="issued-heading"><h2 id="issued-heading">${t(locale, messages.issuedHeading)}</h2>
<p><strong>${t(locale, messages.issuedWarning)}</strong></p>
<dl class="facts"><dt>${t(locale, messages.keyId)}</dt><dd><code>${state.issued.id}</code> (${state.issued.label})</dd>
<dt>${t(locale, messages.key)}</dt><dd><code id="issued-key">${state.issued.key}</code></dd></dl></section>`
    : ''
}
${intro}
<h2 id="profile-heading">${t(locale, messages.profileHeading)}</h2>
<dl class="facts" id="developer-profile"><dt>${t(locale, messages.name)}</dt><dd>${developer.name}</dd>
<dt>${t(locale, messages.email)}</dt><dd>${developer.email}</dd>
<dt>${t(locale, messages.purpose)}</dt><dd>${developer.purpose}</dd>
<dt>${t(locale, messages.registeredAt)}</dt><dd>${formatDateTime(locale, new Date(developer.registeredAt))}</dd></dl>
<form method="post" action="/developers/keys" class="form" aria-labelledby="issue-heading" novalidate>
<h2 id="issue-heading">${t(locale, messages.issueHeading)}</h2>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${textField({ id: 'label', label: t(locale, messages.label), hint: t(locale, messages.labelHint), value: values.label, maxlength: 100, error: errors.get('label') })}
<button type="submit" class="button">${t(locale, messages.issue)}</button>
</form>
<h2 id="keys-heading">${t(locale, messages.keysHeading)}</h2>
${
  keys.length === 0
    ? html`<p>${t(locale, messages.noKeys)}</p>`
    : html`<table id="api-keys"><caption>${t(locale, messages.keysCaption, { n: keys.length })}</caption>
<thead><tr><th scope="col">${t(locale, messages.keyId)}</th><th scope="col">${t(locale, messages.label)}</th><th scope="col">${t(locale, messages.created)}</th><th scope="col">${t(locale, messages.requests30)}</th><th scope="col">${t(locale, messages.status)}</th></tr></thead>
<tbody>${keys.map(
        (k) => html`<tr><th scope="row"><code>${k.id}</code><br><code class="hint">${k.hint}</code></th><td>${k.label}</td><td>${formatDateTime(locale, new Date(k.createdAt))}</td><td>${requestsOf.get(k.id) ?? 0}</td>
<td>${
          k.revokedAt
            ? t(locale, messages.revokedOn, { when: formatDateTime(locale, new Date(k.revokedAt)) })
            : html`${t(locale, messages.active)}
<form method="post" action="/developers/keys/${k.id}/revoke" class="form inline">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="field"><label for="reason-${k.id}">${t(locale, messages.revokeReason)}</label>
<input type="text" id="reason-${k.id}" name="reason" maxlength="500"></div>
<button type="submit" class="button secondary">${t(locale, messages.revoke)} <span class="visually-hidden">${k.id} (${k.label})</span></button>
</form>`
        }</td></tr>`,
      )}</tbody></table>`
}
<h2 id="usage-heading">${t(locale, messages.usageHeading)}</h2>
${
  used.length === 0
    ? html`<p id="key-usage-empty">${t(locale, messages.noUsage)}</p>`
    : html`<table id="key-usage"><caption>${t(locale, messages.usageCaption)}</caption>
<thead><tr><th scope="col">${t(locale, messages.keyId)}</th><th scope="col">${t(locale, messages.dataset)}</th><th scope="col">${t(locale, messages.requests)}</th></tr></thead>
<tbody>${used.flatMap((u) =>
        u.datasets.map(
          (d) => html`<tr><th scope="row"><code>${u.keyId}</code></th><td>${d.datasetId ? html`<a href="/datasets/${d.datasetId}?lang=${locale}">${d.datasetId}</a>` : t(locale, messages.noDataset)}</td><td>${d.requests}</td></tr>`,
        ),
      )}</tbody></table>`
}`,
    });
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/developers',
      {
        schema: {
          ...pageSchema('Developers of the open data API: rate limits; register, issue and revoke API keys, usage per key (signed in)'),
          querystring: Type.Object({ revoked: Type.Optional(Type.String({ maxLength: 100 })), registered: Type.Optional(Type.String({ maxLength: 5 })) }, { additionalProperties: true }),
        },
      },
      async (request, reply) => {
        const revoked = request.query.revoked;
        return render(request, reply, { revokedId: revoked && new RegExp(API_KEY_ID_PATTERN).test(revoked) ? revoked : undefined, registered: request.query.registered === '1' });
      },
    );

    app.post(
      '/developers/register',
      { schema: { ...pageSchema('Register as a developer (audited)', { redirects: true, errors: [400, 409] }), body: FormBody({ name: 200, email: 300, purpose: 2000 }) } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        try {
          await developers.register(contextOf(request), request.body);
        } catch (error) {
          const problems = validationProblems(error);
          if (!problems) throw error;
          return render(request, reply, { errors: formErrors(request.locale, problems), values: formValues(request.body), status: 400 });
        }
        return reply.redirect(`/developers?registered=1&lang=${request.locale}`, 303);
      },
    );

    app.post(
      '/developers/keys',
      { schema: { ...pageSchema('Issue an API key; the answer page shows it once (audited)', { errors: [400, 409] }), body: FormBody({ label: 200 }) } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        try {
          const issued = await developers.issueKey(contextOf(request), request.body.label);
          return render(request, reply, { issued, status: 201 });
        } catch (error) {
          const problems = validationProblems(error);
          if (!problems) throw error;
          return render(request, reply, { errors: formErrors(request.locale, problems), values: formValues(request.body), status: 400 });
        }
      },
    );

    app.post(
      '/developers/keys/:id/revoke',
      {
        schema: {
          ...pageSchema('Revoke one of your API keys (audited)', { redirects: true, errors: [400, 404, 409] }),
          params: Type.Object({ id: Type.String({ pattern: API_KEY_ID_PATTERN }) }),
          body: FormBody({ reason: 500 }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        await developers.revokeKey(contextOf(request), request.params.id, request.body.reason);
        return reply.redirect(`/developers?revoked=${request.params.id}&lang=${request.locale}`, 303);
      },
    );
  };
}

export function dataRequestPages(deps: { dataRequests: DataRequestService; catalogue: OpenDataCatalogue }) {
  const { dataRequests, catalogue } = deps;
  const agencyName = (locale: Locale, code: string) => catalogue.findPublisher(code)?.name[locale] ?? code;

  function stepText(locale: Locale, step: DataRequestDetail['events'][number]): string {
    return t(locale, messages[`step_${step.step}`], { date: step.date ? formatDate(locale, step.date) : '' });
  }

  function actorText(locale: Locale, role: string, agency: string | null): string {
    if (role === 'official') return t(locale, messages.role_official, { agency: agency ? agencyName(locale, agency) : '' });
    const key = `role_${role}` as keyof typeof messages;
    return key in messages ? t(locale, messages[key]) : role;
  }

  async function renderList(request: FastifyRequest, reply: FastifyReply, state?: DataRequestState, agencyCode?: string): Promise<FastifyReply> {
    const locale = request.locale;
    const title = t(locale, messages.drTitle);
    const { items, total } = await dataRequests.list({ state, agencyCode, limit: 200 });
    const ownAgency = request.principal?.role === 'official' ? request.principal.agencyCode : null;
    return renderPage(request, reply, {
      title,
      body: html`${breadcrumbs(locale, [{ href: '/catalog', label: t(locale, messages.catalogue) }, { label: title }])}
<h1>${title}</h1>
<p class="lead">${t(locale, messages.drLead)}</p>
<p><a class="button" href="/data-requests/new?lang=${locale}">${request.principal ? t(locale, messages.drNew) : t(locale, messages.drSignIn)}</a></p>
${
  ownAgency && ownAgency !== agencyCode
    ? html`<p><a id="own-agency-requests" href="/data-requests?agency=${ownAgency}&amp;lang=${locale}">${t(locale, messages.drOwnAgency, { agency: agencyName(locale, ownAgency) })}</a></p>`
    : ''
}
${agencyCode ? html`<p id="agency-filter">${t(locale, messages.drAgencyFilter, { agency: agencyName(locale, agencyCode) })} <a href="/data-requests?lang=${locale}">${t(locale, messages.all)}</a></p>` : ''}
<form method="get" action="/data-requests" class="form" aria-labelledby="filter-heading">
<h2 id="filter-heading">${t(locale, messages.filterState)}</h2>
<input type="hidden" name="lang" value="${locale}">
${agencyCode ? html`<input type="hidden" name="agency" value="${agencyCode}">` : ''}
<div class="field"><label for="state">${t(locale, messages.drState)}</label>
<select id="state" name="state"><option value="">${t(locale, messages.all)}</option>${DATA_REQUEST_STATES.map((s) => html`<option value="${s}"${s === state ? html` selected` : ''}>${stateLabel(locale, s)}</option>`)}</select></div>
<button type="submit" class="button secondary">${t(locale, messages.show)}</button>
</form>
${
  items.length === 0
    ? html`<p id="data-requests-empty">${t(locale, messages.drNone)}</p>`
    : html`<table id="data-requests"><caption>${t(locale, messages.drCaption, { n: total })}</caption>
<thead><tr><th scope="col">${t(locale, messages.drNumber)}</th><th scope="col">${t(locale, messages.drRequestTitle)}</th><th scope="col">${t(locale, messages.drAgency)}</th><th scope="col">${t(locale, messages.drState)}</th><th scope="col">${t(locale, messages.drUpdated)}</th></tr></thead>
<tbody>${items.map(
        (r) => html`<tr><td>${r.id}</td><th scope="row"><a href="/data-requests/${r.id}?lang=${locale}">${r.title}</a></th><td>${agencyName(locale, r.agencyCode)}</td><td>${stateLabel(locale, r.state)}</td><td>${formatDateTime(locale, new Date(r.updatedAt))}</td></tr>`,
      )}</tbody></table>`
}`,
    });
  }

  async function renderForm(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors: Errors = new Map(), status?: number): Promise<FastifyReply> {
    const locale = request.locale;
    const title = t(locale, messages.drNew);
    return renderPage(request, reply, {
      title: errors.size ? `${t(locale, messages.errorPrefix)}: ${title}` : title,
      status,
      body: html`${breadcrumbs(locale, [{ href: '/data-requests', label: t(locale, messages.drTitle) }, { label: title }])}
<h1>${title}</h1>
${summary(locale, errors)}
<p>${t(locale, messages.drLead)}</p>
<form method="post" action="/data-requests" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${textField({ id: 'title', label: t(locale, messages.drFormTitle), hint: t(locale, messages.drFormTitleHint), value: values.title, maxlength: 200, error: errors.get('title') })}
${textField({ id: 'description', label: t(locale, messages.drDescription), value: values.description, multiline: true, maxlength: 4000, error: errors.get('description') })}
<div class="field${errors.get('agencyCode') ? ' field-error' : ''}"><label for="agencyCode">${t(locale, messages.drAgencyChoose)}</label>
${errors.get('agencyCode') ? html`<p class="error-message" id="agencyCode-error">${errors.get('agencyCode')!}</p>` : ''}
<select id="agencyCode" name="agencyCode"${errors.get('agencyCode') ? html` aria-describedby="agencyCode-error" aria-invalid="true"` : ''}><option value="">${t(locale, messages.choose)}</option>${catalogue
        .publishers()
        .map((p) => html`<option value="${p.code}"${p.code === values.agencyCode ? html` selected` : ''}>${p.name[locale]}</option>`)}</select></div>
<button type="submit" class="button">${t(locale, messages.drSubmit)}</button>
</form>
<p><a href="/data-requests?lang=${locale}">${t(locale, messages.drBack)}</a></p>`,
    });
  }

  async function renderDetail(request: FastifyRequest, reply: FastifyReply, id: number, form?: { name: 'answer' | 'mediation' | 'outcome'; errors: Errors; values: Record<string, string> }): Promise<FastifyReply> {
    const locale = request.locale;
    const item = await dataRequests.get(id);
    const principal = request.principal;
    const steps = new Set<DataRequestStep>(stepsFrom(item.state));
    const canAnswer = principal?.role === 'official' && principal.agencyCode === item.agencyCode && (steps.has('answer-released') || steps.has('answer-refused'));
    const canMediate = steps.has('mediation') && (await dataRequests.isRequester(principal, id));
    const canDecide = principal?.role === 'operator' && steps.has('mediation-upheld');
    const errors = form?.errors ?? new Map<string, string>();
    const values = form?.values ?? {};
    const answerOptions = (['planned', 'released', 'refused'] as const).filter((d) => steps.has(`answer-${d}`));
    return renderPage(request, reply, {
      title: `${errors.size ? `${t(locale, messages.errorPrefix)}: ` : ''}${item.title}`,
      status: errors.size ? 400 : undefined,
      body: html`${breadcrumbs(locale, [{ href: '/data-requests', label: t(locale, messages.drTitle) }, { label: item.title }])}
<h1>${item.title}</h1>
${summary(locale, errors, (name) => (name === 'decision' || name === 'outcome' ? name : `${form?.name ?? ''}-${name}`))}
<p>${item.description}</p>
<dl class="facts" id="data-request-facts">
<dt>${t(locale, messages.drNumber)}</dt><dd>${item.id}</dd>
<dt>${t(locale, messages.drAgency)}</dt><dd>${agencyName(locale, item.agencyCode)}</dd>
<dt>${t(locale, messages.drState)}</dt><dd id="data-request-state">${stateLabel(locale, item.state)}</dd>
<dt>${t(locale, messages.drRequested)}</dt><dd>${formatDateTime(locale, new Date(item.createdAt))}</dd>
${item.plannedDate ? html`<dt>${t(locale, messages.drPlanned)}</dt><dd>${formatDate(locale, item.plannedDate)}</dd>` : ''}
${item.releaseDueDate ? html`<dt>${t(locale, messages.drDue)}</dt><dd>${formatDate(locale, item.releaseDueDate)}</dd>` : ''}
${item.datasetId ? html`<dt>${t(locale, messages.drDataset)}</dt><dd><a href="/datasets/${item.datasetId}?lang=${locale}">${catalogue.find(item.datasetId, { role: null })?.title[locale] ?? item.datasetId}</a></dd>` : ''}
</dl>
<h2 id="history-heading">${t(locale, messages.drHistory)}</h2>
<ol id="data-request-history">${item.events.map(
        (e) => html`<li><strong>${stepText(locale, e)}</strong> · ${actorText(locale, e.actorRole, e.actorAgency)} · ${formatDateTime(locale, new Date(e.occurredAt))}${
          e.reason ? html`<br>${e.reason}` : ''
        }${e.datasetId ? html`<br><a href="/datasets/${e.datasetId}?lang=${locale}">${e.datasetId}</a>` : ''}</li>`,
      )}</ol>
${
  canAnswer
    ? html`<form method="post" action="/data-requests/${item.id}/answer" class="form" aria-labelledby="answer-heading" novalidate>
<h2 id="answer-heading">${t(locale, messages.answerHeading)}</h2>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${radios(locale, { id: 'decision', legend: t(locale, messages.decision), options: answerOptions.map((d) => ({ value: d, label: t(locale, messages[`decision_${d}`]) })), value: values.decision, error: errors.get('decision') })}
${steps.has('answer-planned') ? textField({ id: 'answer-plannedDate', name: 'plannedDate', label: t(locale, messages.plannedDate), hint: t(locale, messages.dateHint), type: 'date', value: values.plannedDate, maxlength: 10, error: errors.get('plannedDate') }) : ''}
${textField({ id: 'answer-datasetId', name: 'datasetId', label: t(locale, messages.datasetId), hint: t(locale, messages.datasetIdHint), value: values.datasetId, maxlength: 100, error: errors.get('datasetId') })}
${textField({ id: 'answer-reason', name: 'reason', label: t(locale, messages.reason), value: values.reason, multiline: true, maxlength: 2000, error: errors.get('reason') })}
<button type="submit" class="button">${t(locale, messages.answer)}</button>
</form>`
    : ''
}
${
  canMediate
    ? html`<form method="post" action="/data-requests/${item.id}/mediation" class="form" aria-labelledby="mediation-heading" novalidate>
<h2 id="mediation-heading">${t(locale, messages.mediationHeading)}</h2>
<p>${t(locale, messages.mediationLead)}</p>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${textField({ id: 'mediation-reason', name: 'reason', label: t(locale, messages.mediationReason), value: values.reason, multiline: true, maxlength: 2000, error: errors.get('reason') })}
<button type="submit" class="button">${t(locale, messages.mediate)}</button>
</form>`
    : ''
}
${
  canDecide
    ? html`<form method="post" action="/data-requests/${item.id}/mediation-outcome" class="form" aria-labelledby="outcome-heading" novalidate>
<h2 id="outcome-heading">${t(locale, messages.outcomeHeading)}</h2>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${radios(locale, { id: 'outcome', legend: t(locale, messages.outcome), options: (['upheld', 'dismissed'] as const).map((o) => ({ value: o, label: t(locale, messages[`outcome_${o}`]) })), value: values.outcome, error: errors.get('outcome') })}
${textField({ id: 'outcome-releaseBy', name: 'releaseBy', label: t(locale, messages.releaseBy), hint: t(locale, messages.dateHint), type: 'date', value: values.releaseBy, maxlength: 10, error: errors.get('releaseBy') })}
${textField({ id: 'outcome-reasons', name: 'reasons', label: t(locale, messages.reasons), value: values.reasons, multiline: true, maxlength: 4000, error: errors.get('reasons') })}
<button type="submit" class="button">${t(locale, messages.recordOutcome)}</button>
</form>`
    : ''
}
<p><a href="/data-requests?lang=${locale}">${t(locale, messages.drBack)}</a></p>`,
    });
  }

  const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) });

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/data-requests',
      {
        schema: {
          ...pageSchema('Data requests: the public list of requests to agencies to release datasets, with their status'),
          querystring: Type.Object(
            {
              state: Type.Optional(Type.Union([Type.Literal(''), ...DATA_REQUEST_STATES.map((s) => Type.Literal(s))])),
              agency: Type.Optional(Type.String({ pattern: '^([A-Z][A-Z0-9]{1,15})?$' })),
            },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => renderList(request, reply, (request.query.state || undefined) as DataRequestState | undefined, request.query.agency || undefined),
    );

    app.get(
      '/data-requests/new',
      { schema: { ...pageSchema('Ask an agency to release a dataset (signed in)'), querystring: Type.Object({ agency: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: true }) } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        return renderForm(request, reply, { agencyCode: request.query.agency ?? '' });
      },
    );

    app.post(
      '/data-requests',
      { schema: { ...pageSchema('File a data request (signed in; audited)', { redirects: true, errors: [400] }), body: FormBody({ title: 400, description: 8000, agencyCode: 20 }) } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        try {
          const created = await dataRequests.submit(contextOf(request), request.body);
          return reply.redirect(`/data-requests/${created.id}?lang=${request.locale}`, 303);
        } catch (error) {
          const problems = validationProblems(error);
          if (!problems) throw error;
          return renderForm(request, reply, formValues(request.body), formErrors(request.locale, problems), 400);
        }
      },
    );

    app.get(
      '/data-requests/:id',
      { schema: { ...pageSchema('One data request with its public history; the forms for its next step (agency answer, mediation, committee outcome)', { errors: [404] }), params: IdParams } },
      async (request, reply) => renderDetail(request, reply, request.params.id),
    );

    const stepRoute = (path: string, name: 'answer' | 'mediation' | 'outcome', fields: Record<string, number>, run: (request: FastifyRequest, id: number, body: Record<string, string>) => Promise<unknown>) =>
      app.post(
        `/data-requests/:id/${path}`,
        { schema: { ...pageSchema(`Data request: ${path} (audited)`, { redirects: true, errors: [400, 403, 404, 409] }), params: IdParams, body: FormBody(fields) } },
        async (request, reply) => {
          if (!request.principal) return redirectToSignIn(request, reply);
          const body = formValues(request.body);
          try {
            await run(request, request.params.id, body);
          } catch (error) {
            const problems = validationProblems(error);
            if (!problems) throw error;
            return renderDetail(request, reply, request.params.id, { name, errors: formErrors(request.locale, problems), values: body });
          }
          return reply.redirect(`/data-requests/${request.params.id}?lang=${request.locale}`, 303);
        },
      );

    stepRoute('answer', 'answer', { decision: 20, plannedDate: 20, datasetId: 100, reason: 4000 }, (request, id, body) =>
      dataRequests.answer(contextOf(request), id, {
        decision: body.decision as 'planned',
        plannedDate: body.plannedDate,
        datasetId: body.datasetId,
        reason: body.reason,
      }),
    );
    stepRoute('mediation', 'mediation', { reason: 4000 }, (request, id, body) => dataRequests.requestMediation(contextOf(request), id, { reason: body.reason }));
    stepRoute('mediation-outcome', 'outcome', { outcome: 20, releaseBy: 20, reasons: 8000 }, (request, id, body) =>
      dataRequests.decideMediation(contextOf(request), id, { outcome: body.outcome as 'upheld', releaseBy: body.releaseBy, reasons: body.reasons }),
    );
  };
}
