// The residents' portal pages: home and "My information". The portal owns no data; it composes
// the registry and identity services' answers into pages.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, redirectToSignIn } from '../../core/auth';
import { defineMessages, formatDate, formatDateTime, t, type Locale } from '../../core/i18n';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html } from '../../core/web/html';
import { errorSummary } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import { Email, MobilePhone } from '../identity/schema';
import type { IdentityService } from '../identity/service';
import type { RegistryService } from '../registry/service';

const messages = defineMessages({
  homeTitle: { ko: '디지털플랫폼정부 OnceGov', en: 'OnceGov digital platform government' },
  homeLead: {
    ko: '기관들은 서비스와 데이터를 한 번만 공개하고, 국민은 자신의 정보를 한 번만 제출합니다. 누가 내 정보를 언제 왜 이용했는지 언제든 확인할 수 있습니다.',
    en: 'Agencies publish services and data once; residents hand over their data once. You can always see who used your data, when and why.',
  },
  startHere: { ko: '시작하기', en: 'Get started' },
  seeMyInformation: { ko: '나의 주민등록 정보 보기', en: 'See my resident-register record' },
  signInToSee: { ko: '로그인하고 나의 정보 보기', en: 'Sign in to see your information' },
  whatYouCanDo: { ko: '이용할 수 있는 기능', en: 'What you can do' },
  featureRecord: { ko: '나의 주민등록 정보를 확인합니다. 모든 열람은 감사 기록에 남습니다.', en: 'See your resident-register record. Every view is written to the audit log.' },
  featureServices: { ko: '생애주기별 정부 서비스를 찾고 필요한 서류를 확인합니다.', en: 'Find government services by life event and see what you need.' },
  featureData: { ko: '모든 기관의 공공데이터를 찾고 내려받습니다.', en: 'Find and download every agency\'s public data.' },
  featureApi: { ko: '개발자는 공개 API 문서를 볼 수 있습니다.', en: 'Developers can read the open API documentation.' },
  featureDevelopers: { ko: '개발자로 등록하고 공공데이터 API 키를 받습니다.', en: 'Register as a developer and get open data API keys.' },
  featureDataRequests: { ko: '기관에 필요한 데이터의 개방을 요청합니다.', en: 'Ask an agency to release the data you need.' },
  featureMaskMap: { ko: '약국의 공적 마스크 재고를 실시간으로 봅니다.', en: 'See public mask stock at pharmacies, live.' },
  featureVerifyCertificate: { ko: '전자증명서가 진짜인지 확인합니다.', en: 'Check that an e-certificate is genuine.' },
  featureVerifyMobileId: { ko: '모바일 신분증을 확인합니다(상점·은행 등).', en: 'Check a Mobile ID (shops, banks and others).' },
  featureDemoBank: { ko: 'OnceGov 통합 로그인으로 협력 은행(데모)에 로그인해 봅니다.', en: 'Try signing in to a partner bank (demo) with OnceGov single sign-on.' },
  walletLink: { ko: '나의 전자문서지갑(전자증명서)', en: 'My document wallet (e-certificates)' },
  mobileIdLink: { ko: '나의 모바일 신분증', en: 'My Mobile ID' },
  staffSignedIn: {
    ko: '공무원 계정으로 로그인했습니다. 주민 정보는 기관 간 정보공동이용 절차로만 열람할 수 있습니다.',
    en: 'You are signed in as government staff. Residents\' records are available to agencies only through the once-only data exchange.',
  },
  meTitle: { ko: '나의 정보', en: 'My information' },
  meLead: { ko: '주민등록표에 등록된 나의 정보입니다. 이 화면을 연 기록도 감사 기록에 남습니다.', en: 'Your record in the resident register. Opening this page is itself written to the audit log.' },
  nameKo: { ko: '성명(한글)', en: 'Name (Hangul)' },
  nameRomanized: { ko: '성명(로마자)', en: 'Name (romanised)' },
  rrn: { ko: '주민등록번호', en: 'Resident registration number' },
  birthDate: { ko: '생년월일', en: 'Date of birth' },
  sex: { ko: '성별', en: 'Sex' },
  M: { ko: '남', en: 'Male' },
  F: { ko: '여', en: 'Female' },
  address: { ko: '주소', en: 'Address' },
  postalCode: { ko: '우편번호', en: 'Postal code' },
  registeredOn: { ko: '전입일', en: 'Registered at this address on' },
  household: { ko: '세대 구성원', en: 'Household members' },
  relation: { ko: '관계', en: 'Relation' },
  householdRole: { ko: '세대 내 지위', en: 'Role in household' },
  noMembers: { ko: '함께 등록된 세대원이 없습니다.', en: 'No one else is registered in your household.' },
  head: { ko: '세대주', en: 'Head of household' },
  spouse: { ko: '배우자', en: 'Spouse' },
  child: { ko: '자녀', en: 'Child' },
  parent: { ko: '부모', en: 'Parent' },
  other: { ko: '기타', en: 'Other' },
  contactTitle: { ko: '연락처', en: 'Contact details' },
  contactLead: { ko: '정부 알림을 받을 연락처입니다.', en: 'Where government notices reach you.' },
  email: { ko: '이메일', en: 'E-mail' },
  phone: { ko: '휴대전화', en: 'Mobile phone' },
  phoneHint: { ko: '예: 010-1234-5678', en: 'For example 010-1234-5678' },
  save: { ko: '저장', en: 'Save' },
  errorTitlePrefix: { ko: '오류:', en: 'Error:' },
  emailInvalid: { ko: '이메일 주소를 예: name@example.kr 형식으로 입력하세요', en: 'Enter an e-mail address like name@example.kr' },
  phoneInvalid: { ko: '휴대전화 번호를 예: 010-1234-5678 형식으로 입력하세요', en: 'Enter a mobile number like 010-1234-5678' },
  saved: { ko: '연락처를 저장했습니다.', en: 'Your contact details were saved.' },
  lastUpdated: { ko: '마지막 변경: {when}', en: 'Last changed: {when}' },
  synthetic: { ko: '이 정보는 시연용 합성 데이터입니다.', en: 'This is synthetic demo data.' },
  inboxLink: { ko: '알림함: 정부가 보낸 알림 보기', en: 'Inbox: notices from government' },
});

function roleLabel(locale: Locale, role: string | null): string {
  const key = (role ?? 'other') as keyof typeof messages;
  return key in messages ? t(locale, messages[key]) : role ?? '';
}

export function portalRoutes(deps: { registry: RegistryService; identity: IdentityService }) {
  async function renderMyInformation(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { saved?: boolean; values?: { email: string; phone: string }; invalid?: string[] },
  ) {
    const principal = request.principal;
    if (!principal) return redirectToSignIn(request, reply);
    const locale = request.locale;
    if (principal.residentId === null) {
      return renderPage(request, reply, {
        title: t(locale, messages.meTitle),
        body: html`<h1>${t(locale, messages.meTitle)}</h1><p>${t(locale, messages.staffSignedIn)}</p>`,
      });
    }
    const record = await deps.registry.readResidentRecord({ principal, actor: actorOf(request), requestId: request.id }, principal.residentId);
    const contact = await deps.identity.contactDetails(principal, actorOf(request), request.id);
    const values = form.values ?? { email: contact.email ?? '', phone: contact.phone ?? '' };
    const invalid = new Set(form.invalid ?? []);
    return renderPage(request, reply, {
      status: invalid.size > 0 ? 400 : 200,
      title: invalid.size > 0 ? `${t(locale, messages.errorTitlePrefix)} ${t(locale, messages.meTitle)}` : t(locale, messages.meTitle),
      body: html`<h1>${t(locale, messages.meTitle)}</h1>
<p>${t(locale, messages.meLead)}</p>
<p class="notice">${t(locale, messages.synthetic)}</p>
<ul id="my-links"><li><a href="/me/inbox" id="inbox-link">${t(locale, messages.inboxLink)}</a></li>
<li><a href="/me/wallet" id="wallet-link">${t(locale, messages.walletLink)}</a></li><li><a href="/me/mobile-id" id="mobile-id-link">${t(locale, messages.mobileIdLink)}</a></li></ul>
${form.saved ? html`<div class="success" role="status"><p>${t(locale, messages.saved)}</p></div>` : ''}
<dl class="facts" id="resident-record">
<dt>${t(locale, messages.nameKo)}</dt><dd lang="ko">${record.nameKo}</dd>
<dt>${t(locale, messages.nameRomanized)}</dt><dd lang="en">${record.nameRomanized}</dd>
<dt>${t(locale, messages.rrn)}</dt><dd>${record.rrnMasked}</dd>
<dt>${t(locale, messages.birthDate)}</dt><dd>${formatDate(locale, record.birthDate)}</dd>
<dt>${t(locale, messages.sex)}</dt><dd>${t(locale, messages[record.sex])}</dd>
<dt>${t(locale, messages.address)}</dt><dd>${locale === 'ko' ? record.address.ko : record.address.en}</dd>
<dt>${t(locale, messages.postalCode)}</dt><dd>${record.address.postalCode}</dd>
<dt>${t(locale, messages.householdRole)}</dt><dd>${roleLabel(locale, record.householdRole)}</dd>
<dt>${t(locale, messages.registeredOn)}</dt><dd>${formatDate(locale, record.registeredOn)}</dd>
</dl>
<h2 id="household-heading">${t(locale, messages.household)}</h2>
${
  record.householdMembers.length === 0
    ? html`<p>${t(locale, messages.noMembers)}</p>`
    : html`<table aria-labelledby="household-heading">
<thead><tr><th scope="col">${t(locale, messages.nameKo)}</th><th scope="col">${t(locale, messages.nameRomanized)}</th><th scope="col">${t(locale, messages.birthDate)}</th><th scope="col">${t(locale, messages.relation)}</th></tr></thead>
<tbody>${record.householdMembers.map(
    (m) => html`<tr><td lang="ko">${m.nameKo}</td><td lang="en">${m.nameRomanized}</td><td>${formatDate(locale, m.birthDate)}</td><td>${roleLabel(locale, m.relation ?? m.householdRole)}</td></tr>`,
      )}</tbody></table>`
}
<h2 id="contact-heading">${t(locale, messages.contactTitle)}</h2>
<p>${t(locale, messages.contactLead)}</p>
${errorSummary(locale, [...invalid].map((name) => ({ target: name, message: t(locale, name === 'email' ? messages.emailInvalid : messages.phoneInvalid) })), { headingLevel: 3 })}
<form method="post" action="/me/contact-details" class="form" aria-labelledby="contact-heading" novalidate>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="field${invalid.has('email') ? ' field-error' : ''}"><label for="email">${t(locale, messages.email)}</label>
${invalid.has('email') ? html`<p class="error-message" id="email-error">${t(locale, messages.emailInvalid)}</p>` : ''}
<input id="email" name="email" type="email" autocomplete="email" value="${values.email}"${invalid.has('email') ? html` aria-invalid="true" aria-describedby="email-error"` : ''}></div>
<div class="field${invalid.has('phone') ? ' field-error' : ''}"><label for="phone">${t(locale, messages.phone)}</label>
<p class="hint" id="phone-hint">${t(locale, messages.phoneHint)}</p>
${invalid.has('phone') ? html`<p class="error-message" id="phone-error">${t(locale, messages.phoneInvalid)}</p>` : ''}
<input id="phone" name="phone" type="tel" autocomplete="tel" value="${values.phone}" aria-describedby="phone-hint${invalid.has('phone') ? ' phone-error' : ''}"${invalid.has('phone') ? html` aria-invalid="true"` : ''}></div>
${contact.updatedAt ? html`<p class="hint">${t(locale, messages.lastUpdated, { when: formatDateTime(locale, new Date(contact.updatedAt)) })}</p>` : ''}
<button type="submit" class="button">${t(locale, messages.save)}</button>
</form>`,
    });
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/', { schema: { ...pageSchema('Home page'), querystring: LocaleQuery } }, async (request, reply) => {
      const locale = request.locale;
      const principal = request.principal;
      return renderPage(request, reply, {
        title: t(locale, messages.homeTitle),
        body: html`<h1>${t(locale, messages.homeTitle)}</h1>
<p class="lead">${t(locale, messages.homeLead)}</p>
<section aria-labelledby="start-heading"><h2 id="start-heading">${t(locale, messages.startHere)}</h2>
${
  principal?.role === 'resident'
    ? html`<p><a class="button" href="/me">${t(locale, messages.seeMyInformation)}</a></p>`
    : principal
      ? html`<p>${t(locale, messages.staffSignedIn)}</p>`
      : html`<p><a class="button" href="/sign-in">${t(locale, messages.signInToSee)}</a></p>`
}
</section>
<section aria-labelledby="features-heading"><h2 id="features-heading">${t(locale, messages.whatYouCanDo)}</h2>
<ul><li><a href="/services">${t(locale, messages.featureServices)}</a></li><li><a href="/catalog">${t(locale, messages.featureData)}</a></li><li>${t(locale, messages.featureRecord)}</li><li><a href="/docs">${t(locale, messages.featureApi)}</a></li>
<li><a href="/developers">${t(locale, messages.featureDevelopers)}</a></li><li><a href="/data-requests">${t(locale, messages.featureDataRequests)}</a></li>
<li><a href="/rationing/map">${t(locale, messages.featureMaskMap)}</a></li><li><a href="/verify">${t(locale, messages.featureVerifyCertificate)}</a></li>
<li><a href="/verify/mobile-id">${t(locale, messages.featureVerifyMobileId)}</a></li><li><a href="/demo-rp">${t(locale, messages.featureDemoBank)}</a></li></ul></section>`,
      });
    });

    app.get(
      '/me',
      {
        schema: {
          ...pageSchema('My information: the signed-in resident\'s record (audited) and contact details; signed-out visitors are sent to sign in', { errors: [403] }),
          querystring: Type.Object({ lang: LocaleQuery.properties.lang, saved: Type.Optional(Type.Literal('1')) }),
        },
      },
      async (request, reply) => renderMyInformation(request, reply, { saved: request.query.saved === '1' }),
    );

    app.post(
      '/me/contact-details',
      {
        // Invalid input re-renders the form with the problems next to the fields, not an error page.
        attachValidation: true,
        schema: {
          ...pageSchema('Save contact details from the form (audited); invalid input re-renders the form with its errors', { redirects: true, errors: [400, 403] }),
          body: Type.Object({
            _csrf: Type.String({ maxLength: 100 }),
            email: Type.Optional(Type.Union([Type.Literal(''), Email])),
            phone: Type.Optional(Type.Union([Type.Literal(''), MobilePhone])),
          }),
        },
      },
      async (request, reply) => {
        const principal = request.principal;
        if (!principal) return redirectToSignIn(request, reply);
        const body = (request.body ?? {}) as { email?: unknown; phone?: unknown };
        const values = { email: typeof body.email === 'string' ? body.email : '', phone: typeof body.phone === 'string' ? body.phone : '' };
        if (request.validationError) {
          const invalid = new Set(
            (request.validationError.validation ?? []).map((issue: { instancePath: string }) => issue.instancePath.split('/')[1]).filter(Boolean) as string[],
          );
          return renderMyInformation(request, reply, { values, invalid: ['email', 'phone'].filter((f) => invalid.has(f)) });
        }
        await deps.identity.updateContactDetails(principal, actorOf(request), request.id, {
          email: values.email || null,
          phone: values.phone || null,
        });
        return reply.redirect('/me?saved=1', 303);
      },
    );
  };
}
