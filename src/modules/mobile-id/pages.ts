// The Mobile ID pages, Korean and English, without JavaScript:
// - /me/mobile-id: the resident's SIMULATED phone. The server plays the device (its private key is
//   kept server-side for the demo, which the page says plainly): issue a card to it, see its status
//   and what it holds, answer a verifier's request code with only the requested attributes (shown
//   as a QR code and as text), and report it lost.
// - /verify/mobile-id: a public verifier. Ask for attributes (a one-time request code with a
//   nonce), then paste the presentation the phone shows (the QR code's text) and see the result.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import QRCode from 'qrcode';
import { redirectToSignIn } from '../../core/auth';
import { AppError, ERROR_CATALOGUE } from '../../core/errors';
import { defineMessages, formatDateTime, t, type Locale } from '../../core/i18n';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { errorSummary } from '../../core/web/forms';
import { html, raw, type SafeHtml } from '../../core/web/html';
import { renderPage } from '../../core/web/layout';
import { ATTRIBUTE_LABELS, formatAttribute, isMobileIdAttribute, MOBILE_ID_ATTRIBUTES, type MobileIdAttribute } from './attributes';
import { mobileIdContextOf } from './routes';
import { MOBILE_ID_ID_PATTERN, VERIFICATION_REQUEST_ID_PATTERN, type MobileIdService, type MobileIdSummary, type VerificationRequestView } from './service';

const messages = defineMessages({
  title: { ko: '모바일 신분증 (시뮬레이션 휴대전화)', en: 'Mobile ID (simulated phone)' },
  simulated: {
    ko: '이 화면은 휴대전화 앱을 흉내 낸 시연용 "가상 휴대전화"입니다. 실제 모바일 신분증은 기기 개인키가 휴대전화의 보안 영역을 벗어나지 않지만, 이 시연에서는 기기 개인키와 신분증을 OnceGov 서버가 대신 보관합니다.',
    en: 'This page is a demo "simulated phone" standing in for a phone app. A real Mobile ID keeps the device\'s private key inside the phone\'s secure hardware; in this demo the OnceGov server keeps the device key and the card on the phone\'s behalf.',
  },
  lead: {
    ko: '모바일 주민등록증은 실물 주민등록증과 같은 효력의 전자 신분증입니다. 확인하는 곳이 요청한 항목만 골라 보여 줄 수 있습니다(예: 생년월일 없이 "만 19세 이상").',
    en: 'The Mobile Resident Registration Card is a digital ID with the same legal effect as the plastic card. You show only what the verifier asks for (for example "aged 19 or over" without your date of birth).',
  },
  none: { ko: '가상 휴대전화에 발급된 모바일 신분증이 없습니다.', en: 'No Mobile ID has been issued to a simulated phone yet.' },
  issueHeading: { ko: '가상 휴대전화에 발급받기', en: 'Issue to a simulated phone' },
  issueReplaces: { ko: '새로 발급하면 지금 쓰는 모바일 신분증은 효력이 정지됩니다.', en: 'Issuing a new one revokes the card you use now.' },
  deviceLabel: { ko: '기기 이름(선택)', en: 'Device name (optional)' },
  deviceLabelHint: { ko: '예: 새 휴대전화', en: 'For example: my new phone' },
  issue: { ko: '모바일 신분증 발급받기', en: 'Issue my Mobile ID' },
  current: { ko: '지금 쓰는 모바일 신분증', en: 'Your Mobile ID in use' },
  status: { ko: '상태', en: 'Status' },
  VALID: { ko: '유효', en: 'Valid' },
  REVOKED: { ko: '효력 정지', en: 'Revoked' },
  EXPIRED: { ko: '만료', en: 'Expired' },
  reason_lost: { ko: '분실 신고', en: 'reported lost' },
  reason_stolen: { ko: '도난 신고', en: 'reported stolen' },
  reason_replaced: { ko: '새 기기로 재발급', en: 'replaced by a new device' },
  reason_other: { ko: '기타', en: 'other' },
  issuedAt: { ko: '발급', en: 'Issued' },
  expiresAt: { ko: '유효 기간', en: 'Valid until' },
  device: { ko: '기기 키 지문', en: 'Device key thumbprint' },
  cardId: { ko: '신분증 번호', en: 'Card ID' },
  holds: { ko: '휴대전화에 담긴 항목', en: 'What the phone holds' },
  presentHeading: { ko: '확인하는 곳에 보여 주기', en: 'Show it to a verifier' },
  presentHint: { ko: '확인하는 곳 화면에 나온 확인 요청 코드(MVR-로 시작)를 입력하세요.', en: 'Enter the request code the verifier\'s screen shows (it starts with MVR-).' },
  requestCode: { ko: '확인 요청 코드', en: 'Request code' },
  present: { ko: '요청한 항목만 보여 주기', en: 'Show only what is asked' },
  lostHeading: { ko: '분실 신고', en: 'Report it lost' },
  lostText: {
    ko: '분실 신고를 하면 즉시 효력이 정지되어 다음 확인부터 거부됩니다. 이후 새 기기로 다시 발급받을 수 있습니다.',
    en: 'Reporting it lost revokes it at once: the very next check fails. You can then issue a new one to another device.',
  },
  reportLost: { ko: '분실 신고하기', en: 'Report lost' },
  history: { ko: '발급 내역', en: 'Issued cards' },
  historyCaption: { ko: '모바일 신분증 {n}건', en: 'Mobile IDs ({n})' },
  simulatedDevice: { ko: '가상 휴대전화', en: 'Simulated phone' },
  ownDevice: { ko: '외부 기기(API)', en: 'Own device (API)' },
  done_issued: { ko: '가상 휴대전화에 모바일 신분증을 발급했습니다.', en: 'Your Mobile ID is on the simulated phone.' },
  done_revoked: { ko: '분실 신고를 접수했습니다. 이 모바일 신분증은 더 이상 확인되지 않습니다.', en: 'Reported lost: this Mobile ID no longer passes any check.' },
  staffOnly: { ko: '모바일 신분증은 주민만 발급받을 수 있습니다.', en: 'Only residents hold a Mobile ID.' },
  usage: { ko: '누가 언제 모바일 신분증으로 내 정보를 확인했는지는 "내 정보 이용 내역"에서 볼 수 있습니다.', en: 'See who checked your Mobile ID, and when, in "Who used my data".' },
  usageLink: { ko: '내 정보 이용 내역', en: 'Who used my data' },
  sharingTitle: { ko: '보여 줄 항목', en: 'What you are showing' },
  sharingLead: { ko: '{verifier}에 아래 항목만 보여 줍니다. 다른 항목은 제시 정보에 아예 들어 있지 않습니다.', en: 'You show {verifier} only these. The other attributes are not in the presentation at all.' },
  notShown: { ko: '보여 주지 않는 항목', en: 'Not shown' },
  qrTitle: { ko: '제시용 QR 코드', en: 'QR code to show' },
  qrLabel: { ko: '모바일 신분증 제시 정보를 담은 QR 코드', en: 'QR code holding the Mobile ID presentation' },
  presentationText: { ko: '제시 정보(QR 코드의 내용, 확인하는 곳에 붙여 넣기)', en: 'The presentation (the QR code\'s text, to paste at the verifier)' },
  openVerifier: { ko: '확인하는 곳 화면 열기', en: 'Open the verifier\'s page' },
  back: { ko: '모바일 신분증으로 돌아가기', en: 'Back to my Mobile ID' },
  err_requestCode: { ko: '확인 요청 코드를 MVR-로 시작하는 형식 그대로 입력하세요', en: 'Enter the request code exactly as shown, starting with MVR-' },
  err_requestUnknown: { ko: '해당 확인 요청이 없습니다. 코드를 확인하세요', en: 'There is no request with this code; check it' },
  err_requestUsed: { ko: '이미 응답했거나 시간이 지난 확인 요청입니다. 확인하는 곳에 새 요청을 부탁하세요', en: 'This request was already answered or has expired; ask the verifier for a new one' },
  // Verifier
  vTitle: { ko: '모바일 신분증 확인', en: 'Check a Mobile ID' },
  vLead: {
    ko: '모바일 신분증 소지자에게 필요한 항목만 요청하고, 소지자가 보여 준 제시 정보(QR 코드의 내용)를 붙여 넣어 확인합니다. 서명, 기기 키, 유효 기간과 분실 신고 여부를 이 순간 온라인으로 확인합니다.',
    en: 'Ask the holder for only what you need, then paste the presentation their phone shows (the QR code\'s text). The signature, the device key, the validity and whether the card was reported lost are checked online, at this moment.',
  },
  vAsk: { ko: '요청할 항목', en: 'Attributes to ask for' },
  vAskHint: { ko: '꼭 필요한 항목만 고르세요. 예: 주류 판매는 "만 19세 이상"만', en: 'Choose only what you need. For example, selling alcohol needs only "aged 19 or over"' },
  vName: { ko: '확인하는 곳 이름', en: 'Your name as verifier' },
  vNameHint: { ko: '소지자와 소지자의 "내 정보 이용 내역"에 표시됩니다. 예: 한빛편의점 종로점', en: 'Shown to the holder and in their "Who used my data". For example: Hanbit convenience store' },
  vCreate: { ko: '확인 요청 만들기', en: 'Create a request' },
  err_attributes: { ko: '요청할 항목을 하나 이상 고르세요', en: 'Choose at least one attribute' },
  err_verifierName: { ko: '이름은 100자 이내로 입력하세요', en: 'Enter a name of at most 100 characters' },
  vRequestTitle: { ko: '확인 요청 {code}', en: 'Request {code}' },
  vRequestLead: { ko: '소지자에게 아래 확인 요청 코드를 알려 주세요(또는 QR 코드를 보여 주세요). 소지자의 휴대전화가 요청한 항목만 담은 제시 정보를 만듭니다.', en: 'Give the holder this request code (or show the QR code). Their phone makes a presentation holding only what you asked for.' },
  vRequestQr: { ko: '확인 요청 코드 QR', en: 'QR code of the request code' },
  vAsked: { ko: '요청한 항목', en: 'Asked for' },
  vValidUntil: { ko: '응답 기한', en: 'Answer before' },
  vState: { ko: '상태', en: 'State' },
  vWaiting: { ko: '응답 대기 중', en: 'Waiting for the answer' },
  vAnswered: { ko: '응답 완료({outcome})', en: 'Answered ({outcome})' },
  valid: { ko: '확인됨', en: 'valid' },
  rejected: { ko: '거부됨', en: 'rejected' },
  vPaste: { ko: '제시 정보 붙여 넣기', en: 'Paste the presentation' },
  vPasteHint: { ko: 'QR 코드를 읽은 내용이나 소지자 화면의 글자를 그대로 붙여 넣으세요. 요청 하나에 한 번만 확인할 수 있습니다.', en: 'Paste the QR code\'s text or the text from the holder\'s screen as it is. Each request can be checked once.' },
  vCheck: { ko: '확인하기', en: 'Check' },
  err_presentation: { ko: '제시 정보를 붙여 넣으세요', en: 'Paste the presentation' },
  vValid: { ko: '유효한 모바일 신분증입니다', en: 'This Mobile ID is valid' },
  vValidLead: { ko: '{issuer}가 발급했고, 발급받은 기기에서 이 요청에 답했으며, 지금 효력이 있습니다. 확인된 항목:', en: 'Issued by {issuer}, presented by the device it was issued to in answer to this request, and in force now. Confirmed:' },
  vInvalid: { ko: '확인할 수 없습니다', en: 'This Mobile ID cannot be accepted' },
  vReason: { ko: '이유', en: 'Reason' },
  vCode: { ko: '오류 코드', en: 'Error code' },
  vNew: { ko: '새 확인 요청 만들기', en: 'Make a new request' },
  vMobileIdIssuer: { ko: '행정안전부(OnceGov 플랫폼)', en: 'the Ministry of the Interior and Safety (OnceGov platform)' },
});

const REASON_KEYS = { lost: 'reason_lost', stolen: 'reason_stolen', replaced: 'reason_replaced', other: 'reason_other' } as const;
const REQUEST_CODE = new RegExp(VERIFICATION_REQUEST_ID_PATTERN);

async function qrSvg(text: string, label: string): Promise<SafeHtml> {
  let svg: string;
  try {
    svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
  } catch {
    // More than a QR code holds (about 2.9 kB): the text below still works.
    return html``;
  }
  // The library's own markup (paths only); an accessible name makes it an image for screen readers.
  return raw(svg.replace('<svg ', `<svg role="img" aria-label="${label.replace(/[&<>"']/g, '')}" width="320" height="320" `));
}

function statusText(locale: Locale, card: MobileIdSummary): string {
  const reason = card.revocationReason ? ` (${t(locale, messages[REASON_KEYS[card.revocationReason]])})` : '';
  return `${t(locale, messages[card.status])}${reason}`;
}

function attributeList(locale: Locale, values: Partial<Record<MobileIdAttribute, unknown>>, id: string): SafeHtml {
  return html`<dl class="facts" id="${id}">${MOBILE_ID_ATTRIBUTES.filter((name) => name in values).map(
    (name) => html`<dt>${t(locale, ATTRIBUTE_LABELS[name])}</dt><dd data-attribute="${name}">${formatAttribute(locale, name, values[name])}</dd>`,
  )}</dl>`;
}

export function mobileIdPages(mobileIds: MobileIdService) {
  const when = (locale: Locale, iso: string) => html`<time datetime="${iso}">${formatDateTime(locale, new Date(iso))}</time>`;

  function staffPage(request: FastifyRequest, reply: FastifyReply) {
    const title = t(request.locale, messages.title);
    return renderPage(request, reply, { title, body: html`<h1>${title}</h1><p>${t(request.locale, messages.staffOnly)}</p>` });
  }

  async function renderPhone(request: FastifyRequest, reply: FastifyReply, options: { done?: string; requestCode?: string; problem?: string } = {}) {
    const locale = request.locale;
    const context = mobileIdContextOf(request);
    const cards = await mobileIds.list(context);
    const current = cards.find((c) => c.status === 'VALID' && c.simulatedDevice);
    const holder = current ? await mobileIds.simulatedDevice(context, current.id) : null;
    const title = t(locale, messages.title);
    const doneKey = `done_${options.done ?? ''}`;
    const done = doneKey === 'done_issued' || doneKey === 'done_revoked' ? t(locale, messages[doneKey]) : null;
    const csrf = html`<input type="hidden" name="_csrf" value="${request.csrfToken}">`;
    return renderPage(request, reply, {
      status: options.problem ? 400 : 200,
      title: options.problem ? `${locale === 'ko' ? '오류:' : 'Error:'} ${title}` : title,
      body: html`<h1>${title}</h1>
${errorSummary(locale, options.problem ? [{ target: 'requestCode', message: options.problem }] : [])}
${done ? html`<div class="success" role="status"><p>${done}</p></div>` : ''}
<p class="notice" id="simulated-notice">${t(locale, messages.simulated)}</p>
<p>${t(locale, messages.lead)}</p>
${
  current && holder
    ? html`<h2>${t(locale, messages.current)}</h2>
<dl class="facts" id="current-card">
<dt>${t(locale, messages.status)}</dt><dd id="card-status">${statusText(locale, current)}</dd>
<dt>${t(locale, messages.issuedAt)}</dt><dd>${when(locale, current.issuedAt)}</dd>
<dt>${t(locale, messages.expiresAt)}</dt><dd>${when(locale, current.expiresAt)}</dd>
<dt>${t(locale, messages.device)}</dt><dd><code>${current.deviceThumbprint}</code>${current.deviceLabel ? ` (${current.deviceLabel})` : ''}</dd>
<dt>${t(locale, messages.cardId)}</dt><dd><code>${current.id}</code></dd>
</dl>
<h3>${t(locale, messages.holds)}</h3>
${attributeList(locale, holder.attributes(), 'card-attributes')}
<h2>${t(locale, messages.presentHeading)}</h2>
<form method="post" action="/me/mobile-id/present" class="form" novalidate>
${csrf}<input type="hidden" name="credentialId" value="${current.id}">
<div class="field${options.problem ? ' field-error' : ''}"><label for="requestCode">${t(locale, messages.requestCode)}</label>
<p class="hint" id="requestCode-hint">${t(locale, messages.presentHint)}</p>
${options.problem ? html`<p class="error-message" id="requestCode-error">${options.problem}</p>` : ''}
<input id="requestCode" name="requestCode" value="${options.requestCode ?? ''}" autocomplete="off" spellcheck="false" aria-describedby="requestCode-hint${options.problem ? ' requestCode-error' : ''}"${options.problem ? html` aria-invalid="true"` : ''}></div>
<button type="submit" class="button">${t(locale, messages.present)}</button>
</form>
<h2>${t(locale, messages.lostHeading)}</h2>
<p>${t(locale, messages.lostText)}</p>
<form method="post" action="/me/mobile-id/${current.id}/report-lost">${csrf}<button type="submit" class="button secondary">${t(locale, messages.reportLost)}</button></form>`
    : html`<p id="no-card">${t(locale, messages.none)}</p>`
}
<h2>${t(locale, messages.issueHeading)}</h2>
${current ? html`<p>${t(locale, messages.issueReplaces)}</p>` : ''}
<form method="post" action="/me/mobile-id/issue" class="form" novalidate>
${csrf}
<div class="field"><label for="deviceLabel">${t(locale, messages.deviceLabel)}</label>
<p class="hint" id="deviceLabel-hint">${t(locale, messages.deviceLabelHint)}</p>
<input id="deviceLabel" name="deviceLabel" maxlength="100" aria-describedby="deviceLabel-hint"></div>
<button type="submit" class="button">${t(locale, messages.issue)}</button>
</form>
${
  cards.length
    ? html`<h2>${t(locale, messages.history)}</h2>
<table id="cards"><caption>${t(locale, messages.historyCaption, { n: cards.length })}</caption>
<thead><tr><th scope="col">${t(locale, messages.cardId)}</th><th scope="col">${t(locale, messages.issuedAt)}</th><th scope="col">${t(locale, messages.status)}</th><th scope="col">${t(locale, messages.device)}</th></tr></thead>
<tbody>${cards.map(
        (c) => html`<tr><td><code>${c.id}</code></td><td>${when(locale, c.issuedAt)}</td><td>${statusText(locale, c)}</td>
<td>${c.simulatedDevice ? t(locale, messages.simulatedDevice) : t(locale, messages.ownDevice)}${c.deviceLabel ? ` (${c.deviceLabel})` : ''}</td></tr>`,
      )}</tbody></table>`
    : ''
}
<p>${t(locale, messages.usage)} <a href="/me/data-usage">${t(locale, messages.usageLink)}</a></p>`,
    });
  }

  function askForm(request: FastifyRequest, reply: FastifyReply, values: { attributes: string[]; verifierName: string }, problems: Array<'attributes' | 'verifierName'>) {
    const locale = request.locale;
    const title = t(locale, messages.vTitle);
    const has = (f: 'attributes' | 'verifierName') => problems.includes(f);
    return renderPage(request, reply, {
      status: problems.length ? 400 : 200,
      title: problems.length ? `${locale === 'ko' ? '오류:' : 'Error:'} ${title}` : title,
      body: html`<h1>${title}</h1>
${errorSummary(locale, problems.map((f) => ({ target: f === 'attributes' ? 'attribute-age_over_19' : 'verifierName', message: t(locale, messages[`err_${f}`]) })))}
<p>${t(locale, messages.vLead)}</p>
<form method="post" action="/verify/mobile-id/requests" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<fieldset class="${has('attributes') ? 'field field-error' : 'field'}" aria-describedby="attributes-hint${has('attributes') ? ' attributes-error' : ''}"><legend>${t(locale, messages.vAsk)}</legend>
<p class="hint" id="attributes-hint">${t(locale, messages.vAskHint)}</p>
${has('attributes') ? html`<p class="error-message" id="attributes-error">${t(locale, messages.err_attributes)}</p>` : ''}
${MOBILE_ID_ATTRIBUTES.map(
  (name) => html`<div><input type="checkbox" id="attribute-${name}" name="attributes" value="${name}"${values.attributes.includes(name) ? html` checked` : ''}>
<label for="attribute-${name}">${t(locale, ATTRIBUTE_LABELS[name])}</label></div>`,
)}
</fieldset>
<div class="${has('verifierName') ? 'field field-error' : 'field'}"><label for="verifierName">${t(locale, messages.vName)}</label>
<p class="hint" id="verifierName-hint">${t(locale, messages.vNameHint)}</p>
${has('verifierName') ? html`<p class="error-message" id="verifierName-error">${t(locale, messages.err_verifierName)}</p>` : ''}
<input id="verifierName" name="verifierName" value="${values.verifierName}" aria-describedby="verifierName-hint${has('verifierName') ? ' verifierName-error' : ''}"${has('verifierName') ? html` aria-invalid="true"` : ''}></div>
<button type="submit" class="button">${t(locale, messages.vCreate)}</button>
</form>`,
    });
  }

  async function requestPage(
    request: FastifyRequest,
    reply: FastifyReply,
    view: VerificationRequestView,
    outcome: { result?: Awaited<ReturnType<MobileIdService['verify']>>; error?: AppError; emptyPaste?: boolean } = {},
  ) {
    const locale = request.locale;
    const title = t(locale, messages.vRequestTitle, { code: view.id });
    const asked = view.attributes.map((a) => t(locale, ATTRIBUTE_LABELS[a])).join(', ');
    const answered = view.used ? t(locale, messages.vAnswered, { outcome: t(locale, messages[view.outcome ?? 'rejected']) }) : t(locale, messages.vWaiting);
    const status = outcome.error ? outcome.error.status : outcome.emptyPaste ? 400 : 200;
    return renderPage(request, reply, {
      status,
      title: outcome.emptyPaste ? `${locale === 'ko' ? '오류:' : 'Error:'} ${title}` : title,
      body: html`<h1>${title}</h1>
${errorSummary(locale, outcome.emptyPaste ? [{ target: 'presentation', message: t(locale, messages.err_presentation) }] : [])}
${
  outcome.result
    ? html`<div class="success" role="status" id="verification-result"><h2>${t(locale, messages.vValid)}</h2>
<p>${t(locale, messages.vValidLead, { issuer: t(locale, messages.vMobileIdIssuer) })}</p>
${attributeList(locale, outcome.result.attributes as Partial<Record<MobileIdAttribute, unknown>>, 'verified-attributes')}</div>`
    : ''
}
${
  outcome.error
    ? html`<div class="error-summary" role="alert" id="verification-result" tabindex="-1"><h2>${t(locale, messages.vInvalid)}</h2>
<dl class="facts"><dt>${t(locale, messages.vReason)}</dt><dd>${ERROR_CATALOGUE[outcome.error.code].title[locale]}${outcome.error.detail ? html` <span lang="en">(${outcome.error.detail})</span>` : ''}</dd>
<dt>${t(locale, messages.vCode)}</dt><dd><code>${outcome.error.code}</code></dd></dl></div>`
    : ''
}
<p>${t(locale, messages.vRequestLead)}</p>
<dl class="facts" id="request-facts">
<dt>${t(locale, messages.requestCode)}</dt><dd><code id="request-code">${view.id}</code></dd>
<dt>${t(locale, messages.vName)}</dt><dd>${view.verifierName}</dd>
<dt>${t(locale, messages.vAsked)}</dt><dd id="asked">${asked}</dd>
<dt>${t(locale, messages.vValidUntil)}</dt><dd>${when(locale, view.expiresAt)}</dd>
<dt>${t(locale, messages.vState)}</dt><dd id="request-state">${answered}</dd>
</dl>
<figure><figcaption>${t(locale, messages.vRequestQr)}</figcaption>${await qrSvg(view.id, t(locale, messages.vRequestQr))}</figure>
${
  view.used
    ? ''
    : html`<form method="post" action="/verify/mobile-id/requests/${view.id}" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="field${outcome.emptyPaste ? ' field-error' : ''}"><label for="presentation">${t(locale, messages.vPaste)}</label>
<p class="hint" id="presentation-hint">${t(locale, messages.vPasteHint)}</p>
${outcome.emptyPaste ? html`<p class="error-message" id="presentation-error">${t(locale, messages.err_presentation)}</p>` : ''}
<textarea id="presentation" name="presentation" rows="6" spellcheck="false" aria-describedby="presentation-hint${outcome.emptyPaste ? ' presentation-error' : ''}"${outcome.emptyPaste ? html` aria-invalid="true"` : ''}></textarea></div>
<button type="submit" class="button">${t(locale, messages.vCheck)}</button>
</form>`
}
<p><a href="/verify/mobile-id">${t(locale, messages.vNew)}</a></p>`,
    });
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const isResident = (request: FastifyRequest) => request.principal?.role === 'resident' && request.principal.residentId !== null;
    const Csrf = Type.String({ maxLength: 100 });

    app.get(
      '/me/mobile-id',
      {
        schema: {
          ...pageSchema('Mobile ID: the resident\'s simulated phone (issue, status, present, report lost)'),
          querystring: Type.Object({ lang: LocaleQuery.properties.lang, done: Type.Optional(Type.String({ maxLength: 20 })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) return staffPage(request, reply);
        return renderPhone(request, reply, { done: request.query.done });
      },
    );

    app.post(
      '/me/mobile-id/issue',
      {
        schema: {
          ...pageSchema('Mobile ID: issue a card to a new simulated phone (audited; replaces the card in use)', { redirects: true, errors: [400, 403] }),
          body: Type.Object({ _csrf: Csrf, deviceLabel: Type.Optional(Type.String({ maxLength: 100 })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) throw new AppError('FORBIDDEN', 'Only residents hold a Mobile ID.');
        await mobileIds.issueToSimulatedDevice(mobileIdContextOf(request), request.body.deviceLabel ?? null);
        return reply.redirect('/me/mobile-id?done=issued', 303);
      },
    );

    app.post(
      '/me/mobile-id/:id/report-lost',
      {
        schema: {
          ...pageSchema('Mobile ID: report the card lost; revoked at once (audited)', { redirects: true, errors: [403, 404] }),
          params: Type.Object({ id: Type.String({ pattern: MOBILE_ID_ID_PATTERN, maxLength: 40 }) }),
          body: Type.Object({ _csrf: Csrf }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        await mobileIds.revoke(mobileIdContextOf(request), request.params.id, 'lost');
        return reply.redirect('/me/mobile-id?done=revoked', 303);
      },
    );

    app.post(
      '/me/mobile-id/present',
      {
        attachValidation: true,
        schema: {
          ...pageSchema('Mobile ID: the simulated phone answers a verifier\'s request code with only the requested attributes (QR code and text)', { errors: [400, 403, 404] }),
          body: Type.Object({ _csrf: Csrf, credentialId: Type.Optional(Type.String({ maxLength: 60 })), requestCode: Type.Optional(Type.String({ maxLength: 100 })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) return staffPage(request, reply);
        const locale = request.locale;
        const body = (request.body ?? {}) as { credentialId?: string; requestCode?: string };
        const code = (body.requestCode ?? '').trim();
        if (!REQUEST_CODE.test(code)) return renderPhone(request, reply, { requestCode: code, problem: t(locale, messages.err_requestCode) });
        let view: VerificationRequestView;
        try {
          view = await mobileIds.verificationRequest(code);
        } catch (error) {
          if (error instanceof AppError && error.code === 'MOBILE_ID_REQUEST_NOT_FOUND') return renderPhone(request, reply, { requestCode: code, problem: t(locale, messages.err_requestUnknown) });
          throw error;
        }
        if (view.used || Date.parse(view.expiresAt) < Date.now()) return renderPhone(request, reply, { requestCode: code, problem: t(locale, messages.err_requestUsed) });
        const holder = await mobileIds.simulatedDevice(mobileIdContextOf(request), body.credentialId ?? '');
        const presentation = await holder.present(view);
        const all = holder.attributes();
        const shown = Object.fromEntries(view.attributes.filter((a) => a in all).map((a) => [a, all[a]])) as Partial<Record<MobileIdAttribute, unknown>>;
        const hidden = MOBILE_ID_ATTRIBUTES.filter((a) => !view.attributes.includes(a));
        const title = t(locale, messages.sharingTitle);
        return renderPage(request, reply, {
          title,
          body: html`<h1>${title}</h1>
<p class="notice">${t(locale, messages.simulated)}</p>
<p>${t(locale, messages.sharingLead, { verifier: view.verifierName })}</p>
${attributeList(locale, shown, 'shared-attributes')}
<p>${t(locale, messages.notShown)}: <span id="hidden-attributes">${hidden.map((a) => t(locale, ATTRIBUTE_LABELS[a])).join(', ')}</span></p>
<h2>${t(locale, messages.qrTitle)}</h2>
<figure>${await qrSvg(presentation, t(locale, messages.qrLabel))}</figure>
<div class="form"><div class="field"><label for="presentation-text">${t(locale, messages.presentationText)}</label>
<textarea id="presentation-text" rows="8" readonly spellcheck="false">${presentation}</textarea></div></div>
<p><a href="/verify/mobile-id/requests/${view.id}">${t(locale, messages.openVerifier)}</a></p>
<p><a href="/me/mobile-id">${t(locale, messages.back)}</a></p>`,
        });
      },
    );

    app.get(
      '/verify/mobile-id',
      { schema: { ...pageSchema('Check a Mobile ID: ask for attributes (public verifier page)'), querystring: LocaleQuery } },
      async (request, reply) => askForm(request, reply, { attributes: ['age_over_19'], verifierName: '' }, []),
    );

    app.post(
      '/verify/mobile-id/requests',
      {
        attachValidation: true,
        schema: {
          ...pageSchema('Check a Mobile ID: create a one-time request (public)', { redirects: true, errors: [400] }),
          body: Type.Object({
            _csrf: Csrf,
            attributes: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
            verifierName: Type.Optional(Type.String({ maxLength: 500 })),
          }),
        },
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as { attributes?: unknown; verifierName?: unknown };
        const attributes = (Array.isArray(body.attributes) ? body.attributes : typeof body.attributes === 'string' ? [body.attributes] : []).filter(isMobileIdAttribute);
        const verifierName = typeof body.verifierName === 'string' ? body.verifierName.trim() : '';
        const problems: Array<'attributes' | 'verifierName'> = [];
        if (attributes.length === 0) problems.push('attributes');
        if (verifierName.length > 100) problems.push('verifierName');
        if (problems.length) return askForm(request, reply, { attributes, verifierName: verifierName.slice(0, 500) }, problems);
        const created = await mobileIds.createVerificationRequest(mobileIdContextOf(request), { attributes, verifierName: verifierName || (request.locale === 'ko' ? 'OnceGov 확인 화면' : 'OnceGov verifier page') });
        return reply.redirect(`/verify/mobile-id/requests/${created.id}`, 303);
      },
    );

    const RequestParams = Type.Object({ id: Type.String({ pattern: VERIFICATION_REQUEST_ID_PATTERN, maxLength: 40 }) });

    app.get(
      '/verify/mobile-id/requests/:id',
      { schema: { ...pageSchema('Check a Mobile ID: the request code and the paste form (public)', { errors: [404] }), params: RequestParams, querystring: LocaleQuery } },
      async (request, reply) => requestPage(request, reply, await mobileIds.verificationRequest(request.params.id)),
    );

    app.post(
      '/verify/mobile-id/requests/:id',
      {
        attachValidation: true,
        schema: {
          ...pageSchema('Check a Mobile ID: verify a pasted presentation against the request and show the result (public; audited)', { errors: [400, 404, 409, 410, 422] }),
          params: RequestParams,
          body: Type.Object({ _csrf: Csrf, presentation: Type.Optional(Type.String({ maxLength: 12_000 })) }),
        },
      },
      async (request, reply) => {
        const view = await mobileIds.verificationRequest(request.params.id);
        const body = (request.body ?? {}) as { presentation?: unknown };
        const presentation = typeof body.presentation === 'string' ? body.presentation.trim() : '';
        if (!presentation) return requestPage(request, reply, view, { emptyPaste: true });
        if (presentation.length > 12_000) {
          return requestPage(request, reply, await mobileIds.verificationRequest(view.id), { error: new AppError('MOBILE_ID_PRESENTATION_MALFORMED', 'The pasted text is too long to be a Mobile ID presentation.') });
        }
        try {
          const result = await mobileIds.verify(mobileIdContextOf(request), { requestId: view.id, presentation });
          return requestPage(request, reply, await mobileIds.verificationRequest(view.id), { result });
        } catch (error) {
          if (error instanceof AppError && error.code.startsWith('MOBILE_ID_')) return requestPage(request, reply, await mobileIds.verificationRequest(view.id), { error });
          throw error;
        }
      },
    );
  };
}
