// The page shell every server-rendered page uses: official-site banner, skip link, header with
// navigation and language switch, one <main>, footer. Follows KRDS principles (identity banner,
// clear hierarchy, visible focus, text that works without scripts) and WCAG 2.2 AA.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defineMessages, t, type Locale } from '../i18n';
import { html, type SafeHtml } from './html';

const messages = defineMessages({
  skip: { ko: '본문 바로가기', en: 'Skip to main content' },
  banner: {
    ko: 'OnceGov 시연 누리집입니다. 모든 개인정보는 합성 데이터입니다.',
    en: 'This is a OnceGov demonstration site. All personal data is synthetic.',
  },
  siteName: { ko: 'OnceGov 원스거브', en: 'OnceGov' },
  tagline: { ko: '한 번 제출하면 끝나는 디지털플랫폼정부', en: 'The digital platform government where you only hand over your data once' },
  mainNav: { ko: '주 메뉴', en: 'Main menu' },
  languageNav: { ko: '언어 선택', en: 'Language' },
  home: { ko: '홈', en: 'Home' },
  myInformation: { ko: '나의 정보', en: 'My information' },
  dataUsage: { ko: '내 정보 이용 내역', en: 'Who used my data' },
  consents: { ko: '내 동의 관리', en: 'My consents' },
  benefits: { ko: '받을 수 있는 혜택', en: 'Benefits for you' },
  rules: { ko: '자격 규칙', en: 'Eligibility rules' },
  applications: { ko: '내 신청 내역', en: 'My applications' },
  cases: { ko: '신청 처리', en: 'Application cases' },
  console: { ko: '업무 콘솔', en: 'Console' },
  credentials: { ko: '인증키 관리', en: 'Credentials' },
  uploads: { ko: '데이터 올리기', en: 'Data uploads' },
  ssoClients: { ko: '통합 로그인 이용기관', en: 'Single sign-on clients' },
  exchangeLog: { ko: '정보공동이용 기록', en: 'Exchange log' },
  exchangeStatistics: { ko: '정보공동이용 통계', en: 'Exchange statistics' },
  directory: { ko: '정보공동이용 목록', en: 'Data sharing directory' },
  signIn: { ko: '로그인', en: 'Sign in' },
  signOut: { ko: '로그아웃', en: 'Sign out' },
  signedInAs: { ko: '{name} 님', en: 'Signed in as {name}' },
  apiDocs: { ko: 'API 문서', en: 'API documentation' },
  footer: {
    ko: 'OnceGov는 오픈소스 디지털플랫폼정부입니다. 이 시연 사이트의 모든 데이터는 합성 데이터입니다.',
    en: 'OnceGov is an open-source digital platform government. All data on this demo site is synthetic.',
  },
});

export interface PageOptions {
  title: string;
  body: SafeHtml;
  status?: number;
}

function languageHref(request: FastifyRequest, lang: Locale): string {
  const url = new URL(request.url, 'http://localhost');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

export function renderPage(request: FastifyRequest, reply: FastifyReply, page: PageOptions): FastifyReply {
  const locale = request.locale;
  const principal = request.principal;
  const document = html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} | ${t(locale, messages.siteName)}</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<a class="skip-link" href="#main">${t(locale, messages.skip)}</a>
<div class="gov-banner"><p>${t(locale, messages.banner)}</p></div>
<header class="site-header">
  <div class="container header-row">
    <a class="site-name" href="/">${t(locale, messages.siteName)}<span class="tagline">${t(locale, messages.tagline)}</span></a>
    <nav aria-label="${t(locale, messages.languageNav)}" class="language-nav">
      <ul>
        <li><a href="${languageHref(request, 'ko')}" lang="ko" hreflang="ko"${locale === 'ko' ? html` aria-current="true"` : ''}>한국어</a></li>
        <li><a href="${languageHref(request, 'en')}" lang="en" hreflang="en"${locale === 'en' ? html` aria-current="true"` : ''}>English</a></li>
      </ul>
    </nav>
  </div>
  <nav aria-label="${t(locale, messages.mainNav)}" class="main-nav">
    <ul class="container">
      <li><a href="/">${t(locale, messages.home)}</a></li>
      ${principal?.role === 'resident' ? html`<li><a href="/me">${t(locale, messages.myInformation)}</a></li>
      <li><a href="/me/data-usage">${t(locale, messages.dataUsage)}</a></li>
      <li><a href="/me/consents">${t(locale, messages.consents)}</a></li>
      <li><a href="/me/benefits">${t(locale, messages.benefits)}</a></li>
      <li><a href="/me/applications">${t(locale, messages.applications)}</a></li>` : ''}
      ${principal && principal.role !== 'resident' ? html`<li><a href="/console/agreements">${t(locale, messages.console)}</a></li>
      <li><a href="/console/rules">${t(locale, messages.rules)}</a></li>` : ''}
      ${principal?.role === 'official' ? html`<li><a href="/console/exchange-log">${t(locale, messages.exchangeLog)}</a></li><li><a href="/console/cases">${t(locale, messages.cases)}</a></li><li><a href="/console/opendata/uploads">${t(locale, messages.uploads)}</a></li>` : ''}
      ${principal?.role === 'operator' || principal?.role === 'auditor' ? html`<li><a href="/console/statistics">${t(locale, messages.exchangeStatistics)}</a></li><li><a href="/console/credentials">${t(locale, messages.credentials)}</a></li><li><a href="/console/sso-clients">${t(locale, messages.ssoClients)}</a></li>` : ''}
      <li><a href="/directory">${t(locale, messages.directory)}</a></li>
      <li><a href="/docs">${t(locale, messages.apiDocs)}</a></li>
      ${
        principal
          ? html`<li class="account"><span>${t(locale, messages.signedInAs, { name: principal.displayName[locale] })}</span>
        <form method="post" action="/sign-out"><input type="hidden" name="_csrf" value="${request.csrfToken}"><button type="submit" class="link-button">${t(locale, messages.signOut)}</button></form></li>`
          : html`<li class="account"><a href="/sign-in">${t(locale, messages.signIn)}</a></li>`
      }
    </ul>
  </nav>
</header>
<main id="main" tabindex="-1" class="container">
${page.body}
</main>
<footer class="site-footer"><div class="container"><p>${t(locale, messages.footer)}</p></div></footer>
</body>
</html>`;
  return reply.status(page.status ?? 200).type('text/html; charset=utf-8').send(document.value);
}
