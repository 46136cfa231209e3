// The resident's document wallet and the public verification page, in Korean and English,
// without JavaScript: /me/wallet (my certificates; ask for the ones I am entitled to),
// /me/wallet/{id} (a printable certificate with a QR code that links to its verification, and
// sharing it with a bank under a MyData consent, with each share's uses), and /verify (paste a
// credential or open the QR code's link: valid, revoked, expired or forged, and why).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import QRCode from 'qrcode';
import { redirectToSignIn } from '../../core/auth';
import { AppError } from '../../core/errors';
import { defineMessages, formatDateTime, t, type Locale, type Message } from '../../core/i18n';
import { koreanDate } from '../../core/period';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html, raw, type SafeHtml } from '../../core/web/html';
import { errorSummary } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import { findPurpose } from '../agreements';
import { CONSENT_PURPOSE_CODES, type ConsentService } from '../consent';
import { AGENCY_NAMES, CERTIFICATES, DOC_URI_PATTERN, SEAL_PURPOSE_TITLES, SEAL_PURPOSES, VACCINES, isDocType, type DocType } from './certificates';
import { CREDENTIAL_BODY_LIMIT, walletContextOf } from './routes';
import type { Share, StoredCertificate, WalletService } from './service';
import type { CredentialVerification, Verdict } from './verify';

const m = defineMessages({
  title: { ko: '전자문서지갑', en: 'Document wallet' },
  lead: {
    ko: '기관이 발급한 전자증명서(검증 가능한 증명, W3C VC 2.0)를 보관합니다. 은행 등에 제출하거나 인쇄할 수 있고, 누구나 진위를 확인할 수 있습니다.',
    en: 'Your e-certificates, issued by agencies as verifiable credentials (W3C VC 2.0). Share them with a bank or print them; anyone can check they are genuine.',
  },
  mine: { ko: '내 전자증명서', en: 'My e-certificates' },
  empty: { ko: '아직 발급받은 전자증명서가 없습니다.', en: 'You have no e-certificates yet.' },
  request: { ko: '전자증명서 발급 신청', en: 'Ask for an e-certificate' },
  requestLead: { ko: '아래 증명서는 등록된 내 정보로 바로 발급됩니다.', en: 'These are issued at once from your records in the registries.' },
  issue: { ko: '발급', en: 'Issue' },
  issueType: { ko: '{title} 발급', en: 'Issue: {title}' },
  sealPurpose: { ko: '용도', en: 'Use' },
  type: { ko: '증명서', en: 'Certificate' },
  issuer: { ko: '발급기관', en: 'Issuer' },
  issuedAt: { ko: '발급일시', en: 'Issued' },
  validUntil: { ko: '유효기간', en: 'Valid until' },
  state: { ko: '상태', en: 'Status' },
  valid: { ko: '유효', en: 'Valid' },
  revoked: { ko: '폐기됨', en: 'Revoked' },
  expired: { ko: '만료됨', en: 'Expired' },
  open: { ko: '보기·인쇄', en: 'View and print' },
  docUri: { ko: '문서 번호', en: 'Document URI' },
  holder: { ko: '성명', en: 'Name' },
  birthDate: { ko: '생년월일', en: 'Date of birth' },
  claims: { ko: '증명 내용', en: 'What it certifies' },
  qr: { ko: '진위 확인 QR 코드', en: 'QR code to check it is genuine' },
  qrAlt: { ko: '이 증명서의 진위 확인 주소를 담은 QR 코드', en: 'QR code with the address that checks this certificate' },
  verifyLink: { ko: '진위 확인 주소', en: 'Verification address' },
  print: { ko: '인쇄하려면 브라우저의 인쇄 기능(Ctrl+P)을 쓰세요. 메뉴와 양식은 인쇄되지 않습니다.', en: 'To print, use your browser\'s print command (Ctrl+P). Menus and forms are not printed.' },
  download: { ko: '증명서 파일 내려받기(JSON-LD)', en: 'Download the credential (JSON-LD)' },
  share: { ko: '은행 등에 제출(마이데이터 동의)', en: 'Share with a bank (MyData consent)' },
  shareLead: {
    ko: '받는 곳이 이 증명서를 한 번 받아 갈 수 있도록 동의합니다. 동의는 "내 동의 관리"에서 언제든 철회할 수 있고, 철회하면 받아 갈 수 없습니다.',
    en: 'You consent to the recipient fetching this certificate once. Withdraw the consent at any time in "My consents"; after that it gets nothing.',
  },
  notShareable: { ko: '이 증명서는 마이데이터로 제출할 수 없습니다.', en: 'This certificate cannot be shared through MyData.' },
  recipient: { ko: '받는 곳', en: 'Recipient' },
  purpose: { ko: '목적', en: 'Purpose' },
  purposeText: { ko: '목적 설명', en: 'Purpose in your words' },
  consentExpiry: { ko: '동의 만료일', en: 'Consent expires on' },
  dateHint: { ko: '예: 2026-12-31', en: 'For example 2026-12-31' },
  shareSubmit: { ko: '동의하고 제출', en: 'Consent and share' },
  shares: { ko: '제출 내역', en: 'Shared with' },
  uses: { ko: '받아 간 횟수', en: 'Fetched' },
  usesValue: { ko: '{n}회', en: '{n} time(s)' },
  consent: { ko: '동의', en: 'Consent' },
  ACTIVE: { ko: '유효', en: 'Active' },
  PAUSED: { ko: '일시 중지', en: 'Paused' },
  REVOKED: { ko: '철회됨', en: 'Withdrawn' },
  EXPIRED: { ko: '만료됨', en: 'Expired' },
  choose: { ko: '선택하세요', en: 'Choose' },
  done_issued: { ko: '전자증명서를 발급했습니다.', en: 'The e-certificate is issued.' },
  done_shared: { ko: '제출 동의를 했습니다. 받는 곳에 문서 번호를 알려 주세요.', en: 'Shared. Give the recipient the document URI.' },
  back: { ko: '전자문서지갑으로 돌아가기', en: 'Back to the document wallet' },
  usage: { ko: '발급·폐기·제출 기록은 "내 정보 이용 내역"에서 볼 수 있습니다.', en: 'Issuance, revocation and sharing are listed in "Who used my data".' },
  usageLink: { ko: '내 정보 이용 내역', en: 'Who used my data' },
  staffOnly: { ko: '전자문서지갑은 주민만 씁니다.', en: 'Only residents have a document wallet.' },
  err_recipient: { ko: '받는 곳을 선택하세요', en: 'Choose a recipient' },
  err_purposeCode: { ko: '목적을 선택하세요', en: 'Choose a purpose' },
  err_purposeText: { ko: '목적 설명을 2~500자로 입력하세요', en: 'Describe the purpose in 2 to 500 characters' },
  err_consentExpiry: { ko: '만료일을 오늘 이후, 5년 이내로 입력하세요', en: 'Enter an expiry date after today and within 5 years' },
  // Verification page
  verifyTitle: { ko: '전자증명서 진위 확인', en: 'Check an e-certificate' },
  verifyLead: {
    ko: '받은 전자증명서(JSON)를 붙여 넣거나 QR 코드의 주소를 여세요. 발급기관의 전자서명, 유효기간, 폐기 여부를 확인합니다.',
    en: 'Paste the e-certificate (JSON) you received, or open its QR code\'s address. We check the issuer\'s signature, the validity period and whether it was revoked.',
  },
  pasteLabel: { ko: '전자증명서(JSON)', en: 'E-certificate (JSON)' },
  pasteHint: { ko: '"{" 로 시작하는 증명서 전체를 붙여 넣으세요.', en: 'Paste the whole credential, starting with "{".' },
  check: { ko: '확인', en: 'Check' },
  result: { ko: '확인 결과', en: 'Result' },
  verdict_valid: { ko: '유효한 증명서입니다', en: 'Valid' },
  verdict_revoked: { ko: '폐기된 증명서입니다', en: 'Revoked' },
  verdict_expired: { ko: '유효기간이 지난 증명서입니다', en: 'Expired' },
  'verdict_not-yet-valid': { ko: '아직 유효하지 않은 증명서입니다', en: 'Not valid yet' },
  verdict_forged: { ko: '위조되었거나 변조된 증명서입니다', en: 'Forged or changed' },
  verdict_malformed: { ko: '증명서 형식이 올바르지 않습니다', en: 'Not a well-formed credential' },
  'verdict_unknown-context': { ko: '알 수 없는 형식(컨텍스트)의 증명서입니다', en: 'Unknown credential format (context)' },
  explain_valid: { ko: '발급기관의 전자서명이 맞고, 유효기간 안이며, 폐기되지 않았습니다.', en: 'The issuer\'s signature holds, it is within its validity period and it has not been revoked.' },
  explain_revoked: { ko: '발급기관이 이 증명서를 폐기했습니다. 믿지 마세요.', en: 'The issuing agency has revoked it. Do not rely on it.' },
  explain_expired: { ko: '유효기간이 지났습니다. 새로 발급받아야 합니다.', en: 'Its validity period has ended. A new one must be issued.' },
  'explain_not-yet-valid': { ko: '유효기간이 아직 시작되지 않았습니다.', en: 'Its validity period has not begun.' },
  explain_forged: { ko: '전자서명이 내용과 맞지 않습니다. 발급 후 내용이 바뀌었거나, 발급기관이 발급한 것이 아닙니다.', en: 'The signature does not match the content: it was changed after issue, or the issuer never issued it.' },
  explain_malformed: { ko: 'W3C 검증 가능한 증명 2.0 형식이 아닙니다.', en: 'It is not a W3C Verifiable Credential 2.0.' },
  'explain_unknown-context': { ko: '이 누리집이 알지 못하는 JSON-LD 컨텍스트를 씁니다(외부에서 가져오지 않습니다).', en: 'It uses a JSON-LD context this site does not know (none is fetched from elsewhere).' },
  reason: { ko: '자세한 이유(영문)', en: 'Reason in detail' },
  notJson: { ko: 'JSON으로 읽을 수 없습니다. 증명서 전체를 붙여 넣으세요.', en: 'This is not JSON. Paste the whole credential.' },
  noSuchDocument: { ko: '이 문서 번호의 증명서가 없습니다.', en: 'There is no certificate with this document URI.' },
  tooLarge: { ko: '붙여 넣은 내용이 너무 깁니다.', en: 'What you pasted is too long.' },
});

const FIELD_LABELS: Record<string, Message> = {
  nameKo: { ko: '성명', en: 'Name (Hangul)' },
  nameRomanized: { ko: '성명(로마자)', en: 'Name (romanised)' },
  birthDate: { ko: '생년월일', en: 'Date of birth' },
  sex: { ko: '성별', en: 'Sex' },
  addressKo: { ko: '주소', en: 'Address (Korean)' },
  addressEn: { ko: '주소(영문)', en: 'Address (English)' },
  postalCode: { ko: '우편번호', en: 'Postal code' },
  householdRole: { ko: '세대 내 지위', en: 'Role in household' },
  registeredOn: { ko: '전입일', en: 'Registered at this address on' },
  taxYear: { ko: '귀속연도', en: 'Tax year' },
  earnedIncomeKrw: { ko: '근로소득(원)', en: 'Earned income (KRW)' },
  businessIncomeKrw: { ko: '사업소득(원)', en: 'Business income (KRW)' },
  brn: { ko: '사업자등록번호', en: 'Business registration number' },
  tradeNameKo: { ko: '상호', en: 'Trade name' },
  tradeNameEn: { ko: '상호(영문)', en: 'Trade name (English)' },
  industryCode: { ko: '업종', en: 'Industry' },
  openedOn: { ko: '개업일', en: 'Opened on' },
  closedOn: { ko: '폐업일', en: 'Closed on' },
  businessStatus: { ko: '사업자 상태', en: 'Status' },
  sealPurpose: { ko: '용도', en: 'Use' },
  familyMembers: { ko: '가족', en: 'Family members' },
  vaccinations: { ko: '예방접종', en: 'Vaccinations' },
  relation: { ko: '관계', en: 'Relation' },
  vaccineCode: { ko: '백신', en: 'Vaccine' },
  doseNumber: { ko: '차수', en: 'Dose' },
  administeredOn: { ko: '접종일', en: 'Given on' },
};

const kstDate = (iso: string) => koreanDate(Date.parse(iso));

function claimValue(locale: Locale, key: string, value: unknown): SafeHtml | string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '—';
    return html`<ul>${value.map((item) => html`<li>${typeof item === 'object' && item !== null
      ? Object.entries(item as Record<string, unknown>).filter(([k]) => k !== 'type').map(([k, v], i) => html`${i ? ', ' : ''}${FIELD_LABELS[k]?.[locale] ?? k}: ${claimValue(locale, k, v)}`)
      : String(item)}</li>`)}</ul>`;
  }
  if (key === 'sealPurpose' && typeof value === 'string' && value in SEAL_PURPOSE_TITLES) return SEAL_PURPOSE_TITLES[value as keyof typeof SEAL_PURPOSE_TITLES][locale];
  if (key === 'vaccineCode' && typeof value === 'string' && value in VACCINES) return VACCINES[value]![locale];
  if (typeof value === 'number' && /Krw$/.test(key)) return value.toLocaleString(locale === 'ko' ? 'ko-KR' : 'en-GB');
  return String(value ?? '—');
}

function claimsList(locale: Locale, subject: Record<string, unknown>): SafeHtml {
  return html`<dl class="facts">${Object.entries(subject)
    .filter(([key]) => key !== 'id' && key !== 'type')
    .map(([key, value]) => html`<dt>${FIELD_LABELS[key]?.[locale] ?? key}</dt><dd>${claimValue(locale, key, value)}</dd>`)}</dl>`;
}

function agencyName(locale: Locale, agency: string): string {
  return AGENCY_NAMES[agency]?.[locale] ?? agency;
}

/** The wallet's own styles (print: only the certificate), served as a file: the CSP allows no inline styles. */
export const WALLET_CSS = `@media print { .gov-banner, .site-header, .site-footer, .no-print, .skip-link { display: none !important; } .certificate { border: none !important; } }
.certificate { border: 2px solid #1d56bc; border-radius: 8px; padding: 1rem 1.5rem; margin: 1rem 0; }
.qr svg { width: 12rem; height: 12rem; } .verify-link { word-break: break-all; }
.verdict { border-left: 6px solid; padding: 0.5rem 1rem; margin: 1rem 0; }
.verdict-valid { border-color: #00703c; background: #e6f4ea; } .verdict-bad { border-color: #c4001d; background: #fdecee; }
`;
const PRINT_STYLE = raw('<link rel="stylesheet" href="/static/wallet.css">');

export function walletPages(wallet: WalletService, consents: ConsentService) {
  async function renderCertificate(request: FastifyRequest, reply: FastifyReply, certificate: StoredCertificate, shares: Share[], options: { done?: string; problems?: Map<string, string>; values?: Record<string, string> } = {}) {
    const locale = request.locale;
    const definition = CERTIFICATES[certificate.type];
    const subject = (certificate.credential.credentialSubject ?? {}) as Record<string, unknown>;
    const verifyUrl = wallet.crypto.urls.verifyPage(certificate.id);
    const svg = await QRCode.toString(verifyUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const problems = options.problems ?? new Map<string, string>();
    const values = options.values ?? {};
    const recipients = (await consents.recipients()).filter((s) => s.id.startsWith('KR/COM/'));
    const doneKey = `done_${options.done ?? ''}`;
    const fieldClass = (f: string) => (problems.has(f) ? 'field field-error' : 'field');
    const fieldError = (f: string) => (problems.has(f) ? html`<p class="error-message" id="${f}-error">${problems.get(f)!}</p>` : '');
    const invalid = (f: string) => (problems.has(f) ? html` aria-invalid="true" aria-describedby="${f}-error"` : '');
    const title = definition.title[locale];
    return renderPage(request, reply, {
      status: problems.size ? 400 : 200,
      title,
      body: html`${PRINT_STYLE}
${errorSummary(locale, [...problems].map(([target, message]) => ({ target, message })))}
${doneKey in m ? html`<div class="success no-print" role="status"><p>${t(locale, m[doneKey as 'done_issued'])}</p></div>` : ''}
<article class="certificate" aria-labelledby="certificate-title">
<h1 id="certificate-title">${title}</h1>
<dl class="facts">
<dt>${t(locale, m.state)}</dt><dd id="certificate-state">${t(locale, m[certificate.state])}</dd>
<dt>${t(locale, m.issuer)}</dt><dd>${agencyName(locale, certificate.agency)} <code>${String(certificate.credential.issuer)}</code></dd>
<dt>${t(locale, m.issuedAt)}</dt><dd><time datetime="${certificate.issuedAt}">${formatDateTime(locale, new Date(certificate.issuedAt))}</time></dd>
<dt>${t(locale, m.validUntil)}</dt><dd><time datetime="${certificate.validUntil}">${formatDateTime(locale, new Date(certificate.validUntil))}</time></dd>
<dt>${t(locale, m.docUri)}</dt><dd><code id="document-uri">${certificate.id}</code></dd>
</dl>
<h2>${t(locale, m.claims)}</h2>
${claimsList(locale, subject)}
<h2>${t(locale, m.qr)}</h2>
<figure class="qr"><div role="img" aria-label="${t(locale, m.qrAlt)}">${raw(svg.replace(/<svg /, '<svg aria-hidden="true" focusable="false" '))}</div>
<figcaption>${t(locale, m.verifyLink)}: <a href="${verifyUrl}" class="verify-link">${verifyUrl}</a></figcaption></figure>
</article>
<div class="no-print">
<p>${t(locale, m.print)}</p>
<p><a href="/me/wallet/${encodeURIComponent(certificate.id)}/credential.json" download>${t(locale, m.download)}</a></p>
<h2 id="share">${t(locale, m.share)}</h2>
${!definition.consentProduct ? html`<p>${t(locale, m.notShareable)}</p>` : certificate.state !== 'valid' ? '' : html`<p>${t(locale, m.shareLead)}</p>
<form method="post" action="/me/wallet/${encodeURIComponent(certificate.id)}/share" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="${fieldClass('recipient')}"><label for="recipient">${t(locale, m.recipient)}</label>${fieldError('recipient')}
<select id="recipient" name="recipient"${invalid('recipient')}><option value="">${t(locale, m.choose)}</option>${recipients.map((s) => html`<option value="${s.id}"${values.recipient === s.id ? html` selected` : ''}>${s.name[locale]} (${s.id})</option>`)}</select></div>
<div class="${fieldClass('purposeCode')}"><label for="purposeCode">${t(locale, m.purpose)}</label>${fieldError('purposeCode')}
<select id="purposeCode" name="purposeCode"${invalid('purposeCode')}>${CONSENT_PURPOSE_CODES.map((code) => html`<option value="${code}"${(values.purposeCode ?? 'LOAN-SCREENING') === code ? html` selected` : ''}>${findPurpose(code)?.title[locale] ?? code} (${code})</option>`)}</select></div>
<div class="${fieldClass('purposeText')}"><label for="purposeText">${t(locale, m.purposeText)}</label>${fieldError('purposeText')}
<input id="purposeText" name="purposeText" maxlength="500" value="${values.purposeText ?? ''}"${invalid('purposeText')}></div>
<div class="${fieldClass('consentExpiry')}"><label for="consentExpiry">${t(locale, m.consentExpiry)}</label>
<p class="hint" id="consentExpiry-hint">${t(locale, m.dateHint)}</p>${fieldError('consentExpiry')}
<input id="consentExpiry" name="consentExpiry" type="date" value="${values.consentExpiry ?? kstDate(new Date(Date.now() + 30 * 86_400_000).toISOString())}"${invalid('consentExpiry')}></div>
<button type="submit" class="button">${t(locale, m.shareSubmit)}</button>
</form>`}
${shares.length ? html`<h3>${t(locale, m.shares)}</h3>
<table><thead><tr><th scope="col">${t(locale, m.recipient)}</th><th scope="col">${t(locale, m.consent)}</th><th scope="col">${t(locale, m.uses)}</th></tr></thead>
<tbody>${shares.map((s) => html`<tr><td>${s.consent?.recipientName?.[locale] ?? ''} <code>${s.recipient}</code></td>
<td>${s.consent ? html`<a href="/me/consents/${s.consent.id}">${t(locale, m[s.consent.state])}</a>` : '—'}</td>
<td class="share-uses">${t(locale, m.usesValue, { n: s.consent?.useCount ?? 0 })}</td></tr>`)}</tbody></table>` : ''}
<p>${t(locale, m.usage)} <a href="/me/data-usage">${t(locale, m.usageLink)}</a></p>
<p><a href="/me/wallet">${t(locale, m.back)}</a></p>
</div>`,
    });
  }

  function renderVerification(request: FastifyRequest, reply: FastifyReply, pasted: string, outcome: CredentialVerification | null, problem: string | null) {
    const locale = request.locale;
    const title = t(locale, m.verifyTitle);
    const verdict: Verdict | null = outcome?.verdict ?? null;
    return renderPage(request, reply, {
      status: problem ? 400 : outcome && !outcome.verified ? (outcome.verdict === 'malformed' || outcome.verdict === 'unknown-context' ? 400 : 422) : 200,
      title,
      body: html`${PRINT_STYLE}<h1>${title}</h1>
${problem ? errorSummary(locale, [{ target: 'credential', message: problem }]) : ''}
${verdict ? html`<section class="verdict ${verdict === 'valid' ? 'verdict-valid' : 'verdict-bad'}" aria-labelledby="verdict-title" role="status">
<h2 id="verdict-title">${t(locale, m.result)}: <span id="verdict" data-verdict="${verdict}">${t(locale, m[`verdict_${verdict}`])}</span></h2>
<p>${t(locale, m[`explain_${verdict}`])}</p>
${outcome?.reason ? html`<p><strong>${t(locale, m.reason)}:</strong> <span lang="en" id="verdict-reason">${outcome.reason}</span></p>` : ''}
<dl class="facts">
${outcome?.types.length ? html`<dt>${t(locale, m.type)}</dt><dd>${outcome.types.filter((x) => x !== 'VerifiableCredential').map((x) => (isDocType(x) ? CERTIFICATES[x].title[locale] : x)).join(', ')}</dd>` : ''}
${outcome?.issuer ? html`<dt>${t(locale, m.issuer)}</dt><dd><code>${outcome.issuer}</code></dd>` : ''}
${outcome?.credentialId ? html`<dt>${t(locale, m.docUri)}</dt><dd><code>${outcome.credentialId}</code></dd>` : ''}
${outcome?.validUntil ? html`<dt>${t(locale, m.validUntil)}</dt><dd>${outcome.validUntil}</dd>` : ''}
</dl></section>` : ''}
<p>${t(locale, m.verifyLead)}</p>
<form method="post" action="/verify" class="form" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="field${problem ? ' field-error' : ''}"><label for="credential">${t(locale, m.pasteLabel)}</label>
<p class="hint" id="credential-hint">${t(locale, m.pasteHint)}</p>
${problem ? html`<p class="error-message" id="credential-error">${problem}</p>` : ''}
<textarea id="credential" name="credential" rows="12" spellcheck="false" aria-describedby="credential-hint${problem ? ' credential-error' : ''}"${problem ? html` aria-invalid="true"` : ''}>${pasted}</textarea></div>
<button type="submit" class="button">${t(locale, m.check)}</button>
</form>`,
    });
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const isResident = (request: FastifyRequest) => request.principal?.role === 'resident' && request.principal.residentId !== null;
    const staffPage = (request: FastifyRequest, reply: FastifyReply) => {
      const title = t(request.locale, m.title);
      return renderPage(request, reply, { status: 403, title, body: html`<h1>${title}</h1><p>${t(request.locale, m.staffOnly)}</p>` });
    };
    app.get('/static/wallet.css', { schema: { tags: ['pages'], summary: 'Styles of the wallet and verification pages', response: { 200: { type: 'string' } } } }, async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(WALLET_CSS),
    );
    const IdParams = Type.Object({ id: Type.String({ pattern: DOC_URI_PATTERN, maxLength: 120, description: 'Document URI' }) });

    app.get('/me/wallet', { schema: { ...pageSchema('Document wallet: the signed-in resident\'s e-certificates; ask for new ones'), querystring: LocaleQuery } }, async (request, reply) => {
      if (!request.principal) return redirectToSignIn(request, reply);
      if (!isResident(request)) return staffPage(request, reply);
      const locale = request.locale;
      const certificates = await wallet.listForResident(walletContextOf(request));
      const title = t(locale, m.title);
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
<p>${t(locale, m.lead)}</p>
<h2>${t(locale, m.mine)}</h2>
${certificates.length === 0 ? html`<p>${t(locale, m.empty)}</p>` : html`<table id="certificates"><thead><tr>
<th scope="col">${t(locale, m.type)}</th><th scope="col">${t(locale, m.issuer)}</th><th scope="col">${t(locale, m.issuedAt)}</th><th scope="col">${t(locale, m.validUntil)}</th><th scope="col">${t(locale, m.state)}</th></tr></thead>
<tbody>${certificates.map((c) => html`<tr><td><a href="/me/wallet/${encodeURIComponent(c.id)}">${CERTIFICATES[c.type].title[locale]}</a></td><td>${agencyName(locale, c.agency)}</td>
<td>${kstDate(c.issuedAt)}</td><td>${kstDate(c.validUntil)}</td><td>${t(locale, m[c.state])}</td></tr>`)}</tbody></table>`}
<h2>${t(locale, m.request)}</h2>
<p>${t(locale, m.requestLead)}</p>
<ul class="plain">${wallet.selfServiceTypes().map((type) => html`<li><form method="post" action="/me/wallet/request" class="form">
<input type="hidden" name="_csrf" value="${request.csrfToken}"><input type="hidden" name="type" value="${type}">
${type === 'ElectronicSealCertificate' ? html`<div class="field"><label for="sealPurpose">${t(locale, m.sealPurpose)} (${CERTIFICATES[type].title[locale]})</label>
<select id="sealPurpose" name="sealPurpose">${SEAL_PURPOSES.map((p) => html`<option value="${p}">${SEAL_PURPOSE_TITLES[p][locale]}</option>`)}</select></div>` : ''}
<button type="submit" class="button secondary">${t(locale, m.issueType, { title: CERTIFICATES[type].title[locale] })}</button></form></li>`)}</ul>
<p>${t(locale, m.usage)} <a href="/me/data-usage">${t(locale, m.usageLink)}</a></p>`,
      });
    });

    app.post(
      '/me/wallet/request',
      {
        schema: {
          ...pageSchema('Ask for an e-certificate from the wallet (signed-in resident; form post; audited)', { redirects: true, errors: [400, 403] }),
          body: Type.Object({ _csrf: Type.Optional(Type.String()), type: Type.String({ maxLength: 60 }), sealPurpose: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: true }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) return staffPage(request, reply);
        const type = request.body.type;
        if (!isDocType(type)) throw new AppError('VALIDATION_FAILED', 'Choose a certificate type.', [{ field: '/body/type', message: 'unknown type' }]);
        const issued = await wallet.issue(walletContextOf(request), {
          type: type as DocType,
          residentId: request.principal.residentId!,
          sealPurpose: request.body.sealPurpose as never,
        });
        return reply.redirect(`/me/wallet/${encodeURIComponent(issued.id)}?done=issued`, 303);
      },
    );

    app.get(
      '/me/wallet/:id',
      { schema: { ...pageSchema('One e-certificate of the signed-in resident, printable, with its QR code and sharing', { errors: [404] }), params: IdParams, querystring: Type.Object({ lang: LocaleQuery.properties.lang, done: Type.Optional(Type.String({ maxLength: 20 })) }, { additionalProperties: true }) } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) return staffPage(request, reply);
        const context = walletContextOf(request);
        const certificate = await wallet.getForResident(context, request.params.id);
        return renderCertificate(request, reply, certificate, await wallet.sharesOf(context, certificate.id), { done: request.query.done });
      },
    );

    app.get(
      '/me/wallet/:id/credential.json',
      { schema: { tags: ['pages'], summary: 'Download one of the signed-in resident\'s e-certificates as JSON-LD', params: IdParams, response: { 200: Type.Object({}, { additionalProperties: true }) } } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const certificate = await wallet.getForResident(walletContextOf(request), request.params.id);
        const name = certificate.id.split(':').at(-1);
        return reply.type('application/vc+ld+json').header('cache-control', 'no-store').header('content-disposition', `attachment; filename="${name}.json"`).send(certificate.credential);
      },
    );

    app.post(
      '/me/wallet/:id/share',
      {
        schema: {
          ...pageSchema('Share an e-certificate with a recipient under a one-time MyData consent (signed-in resident; audited)', { redirects: true, errors: [400, 404, 409] }),
          params: IdParams,
          body: Type.Object(
            { _csrf: Type.Optional(Type.String()), recipient: Type.String({ maxLength: 263 }), purposeCode: Type.String({ maxLength: 60 }), purposeText: Type.String({ maxLength: 500 }), consentExpiry: Type.String({ maxLength: 40 }) },
            { additionalProperties: true },
          ),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        if (!isResident(request)) return staffPage(request, reply);
        const context = walletContextOf(request);
        const { recipient, purposeCode, purposeText, consentExpiry } = request.body;
        try {
          await wallet.share(context, request.params.id, { recipient, purposeCode, purposeText, consentExpiry });
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED' || !error.errors) throw error;
          const problems = new Map<string, string>();
          for (const problem of error.errors) {
            const field = (['recipient', 'purposeCode', 'purposeText', 'consentExpiry'] as const).find((f) => problem.field.includes(f)) ?? 'purposeText';
            if (!problems.has(field)) problems.set(field, t(request.locale, m[`err_${field}`]));
          }
          const certificate = await wallet.getForResident(context, request.params.id);
          return renderCertificate(request, reply, certificate, await wallet.sharesOf(context, certificate.id), { problems, values: request.body as Record<string, string> });
        }
        return reply.redirect(`/me/wallet/${encodeURIComponent(request.params.id)}?done=shared#share`, 303);
      },
    );

    app.get(
      '/verify',
      { schema: { ...pageSchema('Check an e-certificate (public): open a QR code\'s link (?id=document URI) or paste a credential', { errors: [400, 422] }), querystring: Type.Object({ lang: LocaleQuery.properties.lang, id: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: true }) } },
      async (request, reply) => {
        const id = request.query.id;
        if (!id) return renderVerification(request, reply, '', null, null);
        const credential = await wallet.findById(id);
        if (!credential) return renderVerification(request, reply, '', null, t(request.locale, m.noSuchDocument));
        return renderVerification(request, reply, '', await wallet.verifyCredential(credential), null);
      },
    );

    app.post(
      '/verify',
      {
        bodyLimit: CREDENTIAL_BODY_LIMIT * 2,
        schema: {
          ...pageSchema('Check a pasted e-certificate (public)', { errors: [400, 422] }),
          body: Type.Object({ _csrf: Type.Optional(Type.String()), credential: Type.String({ maxLength: CREDENTIAL_BODY_LIMIT }) }, { additionalProperties: true }),
        },
        // A wrong value only gets a page back: the schema's limit answers with the form again.
        attachValidation: true,
      },
      async (request, reply) => {
        if (request.validationError) return renderVerification(request, reply, '', null, t(request.locale, m.tooLarge));
        const pasted = request.body.credential;
        let parsed: unknown;
        try {
          parsed = JSON.parse(pasted);
        } catch {
          return renderVerification(request, reply, pasted, null, t(request.locale, m.notJson));
        }
        return renderVerification(request, reply, pasted, await wallet.verifyCredential(parsed), null);
      },
    );
  };
}
