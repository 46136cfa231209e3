// The residents' service pages, Korean and English, public and without JavaScript: find a service
// (search form and the ten life events), search results, a life event's services, a service's
// detail (which documents the platform fetches for you and which you hand in), and a bundle.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../core/errors';
import { defineMessages, t, type Locale } from '../../core/i18n';
import { LocaleQuery, pageSchema } from '../../core/schemas';
import { html, type SafeHtml } from '../../core/web/html';
import { breadcrumbs } from '../../core/web/breadcrumbs';
import { errorSummary } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import { CHANNEL_NAMES, LIFE_EVENTS, isLifeEventCode, type CatalogueService, type RequiredDocument, type ServiceBundle } from './model';
import { assertSearchable, MAX_QUERY_LENGTH } from './search';
import type { ServiceCatalogue } from './service';

const messages = defineMessages({
  title: { ko: '정부 서비스 찾기', en: 'Find a government service' },
  lead: {
    ko: '여러 기관의 서비스를 한곳에서 찾고, 필요한 서류와 신청 방법을 확인하세요. 다른 기관이 가진 정보는 제출하지 않으셔도 됩니다.',
    en: 'Find the services of every agency in one place, with what you need and how to apply. You never hand in what another agency already holds.',
  },
  searchHeading: { ko: '서비스 검색', en: 'Search for a service' },
  searchLabel: { ko: '찾는 서비스', en: 'What are you looking for?' },
  searchHint: {
    ko: '예: 아동수당, 전입신고, 기초연금. 띄어쓰기가 달라도, 글자가 조금 틀려도 찾아 드립니다.',
    en: 'For example: child allowance, moving-in report, basic pension. Spacing and small typos do not matter.',
  },
  searchButton: { ko: '검색', en: 'Search' },
  browseHeading: { ko: '생애주기별 서비스', en: 'Services by life event' },
  serviceCount: { ko: '서비스 {n}개', en: '{n} services' },
  bundlesHeading: { ko: '한 번에 신청하는 묶음 서비스', en: 'Apply for several services at once' },
  resultsTitle: { ko: '‘{q}’ 검색 결과', en: 'Results for ‘{q}’' },
  resultsCount: { ko: '‘{q}’에 맞는 서비스 {total}개 중 {from}–{to}번째', en: '{from}–{to} of {total} services for ‘{q}’' },
  noResults: {
    ko: '‘{q}’에 맞는 서비스를 찾지 못했습니다. 다른 낱말로 검색하거나 아래 생애주기에서 찾아보세요.',
    en: 'No service matches ‘{q}’. Try other words, or browse by life event below.',
  },
  paging: { ko: '검색 결과 페이지', en: 'Result pages' },
  previous: { ko: '이전 페이지', en: 'Previous page' },
  next: { ko: '다음 페이지', en: 'Next page' },
  errorTitlePrefix: { ko: '오류:', en: 'Error:' },
  queryTooLong: { ko: '검색어는 {max}자 이하로 입력하세요', en: 'Enter at most {max} characters' },
  queryInvalid: { ko: '검색어에 입력할 수 없는 문자가 있습니다', en: 'Enter letters, numbers and spaces only' },
  lifeEventTitle: { ko: '{name} 관련 서비스', en: 'Services for {name}' },
  lifeEventBundles: { ko: '이 시기에 한 번에 신청할 수 있는 서비스', en: 'Apply for several at once' },
  agency: { ko: '담당 기관', en: 'Agency' },
  channels: { ko: '신청 방법', en: 'How to apply' },
  processingTime: { ko: '처리 기간', en: 'Processing time' },
  fee: { ko: '수수료', en: 'Fee' },
  free: { ko: '무료', en: 'Free' },
  feeAmount: { ko: '{amount}원', en: '{amount} KRW' },
  legalBasis: { ko: '근거 법령', en: 'Legal basis' },
  contact: { ko: '문의처', en: 'Contact' },
  lifeEvents: { ko: '생애주기', en: 'Life events' },
  benefit: { ko: '알림 분야', en: 'Notification category' },
  documentsHeading: { ko: '필요한 서류', en: 'What you need' },
  documentsLead: {
    ko: '다른 기관이 가진 정보는 신청할 때 담당 기관이 직접 확인합니다(행정정보 공동이용). 직접 낼 서류만 준비하세요.',
    en: 'Information another agency holds is checked by the agency itself when you apply (once-only data sharing). Prepare only the documents you hand in.',
  },
  documentsCaption: { ko: '{name}: 필요한 서류와 준비 방법', en: '{name}: documents and how each is provided' },
  document: { ko: '서류', en: 'Document' },
  howProvided: { ko: '준비 방법', en: 'How it is provided' },
  fetched: { ko: '제출하지 않으셔도 됩니다. 담당 기관이 직접 확인합니다.', en: 'We fetch this for you — you don\'t need to submit it.' },
  heldBy: { ko: '보유 기관: {agency}', en: 'Held by {agency}' },
  upload: { ko: '직접 제출하세요(온라인 첨부 또는 방문 제출).', en: 'You submit this (attach it online or bring it).' },
  noDocuments: { ko: '따로 준비할 서류가 없습니다.', en: 'Nothing to prepare.' },
  inBundles: { ko: '함께 신청할 수 있는 묶음 서비스', en: 'Apply together with related services' },
  bundleServicesHeading: { ko: '한 번에 신청하는 서비스 {n}개', en: 'The {n} services in one application' },
  bundleDocumentsHeading: { ko: '이 묶음에 필요한 서류', en: 'What the bundle needs' },
  backToServices: { ko: '서비스 찾기로 돌아가기', en: 'Back to Find a government service' },
  applyOnline: { ko: '온라인으로 신청하기', en: 'Apply online' },
});

const CATEGORY_NAMES = defineMessages({
  child: { ko: '출산·아동', en: 'Birth and children' },
  elderly: { ko: '어르신', en: 'Older people' },
  disability: { ko: '장애인', en: 'Disability' },
  'income-support': { ko: '생활 지원', en: 'Income support' },
  employment: { ko: '일자리', en: 'Employment' },
  health: { ko: '건강', en: 'Health' },
  housing: { ko: '주거', en: 'Housing' },
  general: { ko: '일반', en: 'General' },
});

const PAGE_SIZE = 20;
const SLUG = '^[a-z0-9]+(-[a-z0-9]+)*$';

const SearchPageQuery = Type.Object({
  // Longer or odd text is answered on the form itself (400 with an error message), not a bare error page.
  q: Type.Optional(Type.String({ maxLength: 2000 })),
  page: Type.Optional(Type.String({ maxLength: 10 })),
  lang: LocaleQuery.properties.lang,
});

function lifeEventName(locale: Locale, code: string): string {
  return LIFE_EVENTS.find((event) => event.code === code)?.name[locale] ?? code;
}

function feeText(locale: Locale, service: CatalogueService): string {
  const amount = service.feeKrw === 0 ? t(locale, messages.free) : t(locale, messages.feeAmount, { amount: service.feeKrw.toLocaleString('ko-KR') });
  return service.feeNote ? `${amount} (${service.feeNote[locale]})` : amount;
}

function serviceList(locale: Locale, services: readonly CatalogueService[], id?: string): SafeHtml {
  return html`<ul class="choice-list service-list"${id ? html` id="${id}"` : ''}>${services.map(
    (service) => html`<li><h3><a href="/services/${service.id}">${service.name[locale]}</a></h3>
<p>${service.description[locale]}</p>
<p class="hint">${service.agency.name[locale]} · ${service.lifeEvents.map((code) => lifeEventName(locale, code)).join(', ')}</p></li>`,
  )}</ul>`;
}

function bundleList(locale: Locale, bundles: readonly ServiceBundle[]): SafeHtml {
  return html`<ul class="choice-list">${bundles.map(
    (bundle) => html`<li><a href="/services/bundles/${bundle.id}">${bundle.name[locale]}</a><p class="hint">${bundle.description[locale]}</p></li>`,
  )}</ul>`;
}

function documentsTable(locale: Locale, caption: string, documents: readonly RequiredDocument[]): SafeHtml {
  if (documents.length === 0) return html`<p>${t(locale, messages.noDocuments)}</p>`;
  return html`<table id="required-documents">
<caption>${caption}</caption>
<thead><tr><th scope="col">${t(locale, messages.document)}</th><th scope="col">${t(locale, messages.howProvided)}</th></tr></thead>
<tbody>${documents.map(
    (document) => html`<tr class="${document.fetchedByPlatform ? 'document-fetched' : 'document-upload'}">
<th scope="row">${document.name[locale]}</th>
<td>${
      document.fetchedByPlatform
        ? html`<strong>${t(locale, messages.fetched)}</strong>${document.heldBy ? html`<br><span class="hint">${t(locale, messages.heldBy, { agency: document.heldBy[locale] })}</span>` : ''}`
        : t(locale, messages.upload)
    }</td></tr>`,
  )}</tbody></table>`;
}

/** Distinct documents of several services: one row per data product, one per differently named upload. */
function combinedDocuments(services: readonly CatalogueService[]): RequiredDocument[] {
  const seen = new Map<string, RequiredDocument>();
  for (const service of services) {
    for (const document of service.requiredDocuments) {
      const key = document.dataProductId ?? `upload:${document.name.ko}`;
      if (!seen.has(key)) seen.set(key, document);
    }
  }
  return [...seen.values()].sort((a, b) => Number(b.fetchedByPlatform) - Number(a.fetchedByPlatform));
}

export function servicePages(catalogue: ServiceCatalogue) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/services',
      { schema: { ...pageSchema('Find a government service: search form, results (?q=) and the ten life events', { errors: [400] }), querystring: SearchPageQuery } },
      async (request, reply) => {
        const locale = request.locale;
        const q = (request.query.q ?? '').trim();
        const pageNumber = /^[1-9][0-9]{0,4}$/.test(request.query.page ?? '') ? Number(request.query.page) : 1;
        let queryError: string | null = null;
        try {
          assertSearchable(request.query.q ?? '');
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          queryError = (request.query.q ?? '').length > MAX_QUERY_LENGTH ? t(locale, messages.queryTooLong, { max: MAX_QUERY_LENGTH }) : t(locale, messages.queryInvalid);
        }
        const searching = q !== '' && queryError === null;
        const results = searching ? catalogue.listServices({ q, page: pageNumber, pageSize: PAGE_SIZE }) : null;
        const baseTitle = t(locale, messages.title);
        const title = queryError ? `${t(locale, messages.errorTitlePrefix)} ${baseTitle}` : searching ? `${t(locale, messages.resultsTitle, { q })} | ${baseTitle}` : baseTitle;
        const shownQuery = queryError ? '' : q;

        let resultsSection: SafeHtml | '' = '';
        if (results) {
          const from = (results.page - 1) * results.pageSize + 1;
          const to = from + results.items.length - 1;
          const href = (page: number) => `/services?${new URLSearchParams({ q, page: String(page), lang: locale })}`;
          resultsSection = html`<section aria-labelledby="results-heading">
<h2 id="results-heading">${t(locale, messages.resultsTitle, { q })}</h2>
${
  results.items.length === 0
    ? html`<p class="notice" id="no-results">${t(locale, messages.noResults, { q })}</p>`
    : html`<p id="results-count">${t(locale, messages.resultsCount, { q, total: results.total, from, to })}</p>
${serviceList(locale, results.items, 'search-results')}
${
  results.page > 1 || to < results.total
    ? html`<nav aria-label="${t(locale, messages.paging)}" class="paging"><ul>
${results.page > 1 ? html`<li><a href="${href(results.page - 1)}" rel="prev">${t(locale, messages.previous)}</a></li>` : ''}
${to < results.total ? html`<li><a href="${href(results.page + 1)}" rel="next">${t(locale, messages.next)}</a></li>` : ''}
</ul></nav>`
    : ''
}`
}
</section>`;
        }

        return renderPage(request, reply, {
          status: queryError ? 400 : 200,
          title,
          body: html`<h1>${baseTitle}</h1>
<p class="lead">${t(locale, messages.lead)}</p>
${queryError ? errorSummary(locale, [{ target: 'q', message: `${t(locale, messages.searchLabel)}: ${queryError}` }]) : ''}
<form method="get" action="/services" class="form" role="search" aria-labelledby="search-heading">
<h2 id="search-heading">${t(locale, messages.searchHeading)}</h2>
<input type="hidden" name="lang" value="${locale}">
<div class="field${queryError ? ' field-error' : ''}"><label for="q">${t(locale, messages.searchLabel)}</label>
<p class="hint" id="q-hint">${t(locale, messages.searchHint)}</p>
${queryError ? html`<p class="error-message" id="q-error">${queryError}</p>` : ''}
<input id="q" name="q" type="search" maxlength="${MAX_QUERY_LENGTH}" value="${shownQuery}" aria-describedby="q-hint${queryError ? ' q-error' : ''}"${queryError ? html` aria-invalid="true"` : ''}></div>
<button type="submit" class="button">${t(locale, messages.searchButton)}</button>
</form>
${resultsSection}
<section aria-labelledby="browse-heading">
<h2 id="browse-heading">${t(locale, messages.browseHeading)}</h2>
<ul class="choice-list" id="life-events">${catalogue.lifeEvents().map(
            (event) => html`<li><a href="/services/life-events/${event.code}">${event.name[locale]}</a>
<p class="hint">${event.description[locale]} · ${t(locale, messages.serviceCount, { n: event.serviceCount })}</p></li>`,
          )}</ul>
</section>
<section aria-labelledby="bundles-heading">
<h2 id="bundles-heading">${t(locale, messages.bundlesHeading)}</h2>
${bundleList(locale, catalogue.bundles())}
</section>`,
        });
      },
    );

    app.get(
      '/services/life-events/:event',
      {
        schema: {
          ...pageSchema('The services of one life event', { errors: [400, 404] }),
          params: Type.Object({ event: Type.String({ pattern: SLUG, maxLength: 40, description: 'Life event code, e.g. birth' }) }),
          querystring: LocaleQuery,
        },
      },
      async (request, reply) => {
        const locale = request.locale;
        const code = request.params.event;
        if (!isLifeEventCode(code)) throw new AppError('NOT_FOUND', `There is no life event "${code}".`, [{ field: '/params/event', message: 'no such life event' }]);
        const event = LIFE_EVENTS.find((e) => e.code === code)!;
        const title = t(locale, messages.lifeEventTitle, { name: event.name[locale] });
        const bundles = catalogue.bundles().filter((bundle) => bundle.lifeEvent === code);
        return renderPage(request, reply, {
          title,
          body: html`${breadcrumbs(locale, [{ href: '/services', label: t(locale, messages.title) }, { label: event.name[locale] }])}
<h1>${title}</h1>
<p class="lead">${event.description[locale]}</p>
${bundles.length ? html`<h2>${t(locale, messages.lifeEventBundles)}</h2>${bundleList(locale, bundles)}` : ''}
<h2>${t(locale, messages.serviceCount, { n: catalogue.servicesForLifeEvent(code).length })}</h2>
${serviceList(locale, catalogue.servicesForLifeEvent(code), 'life-event-services')}`,
        });
      },
    );

    app.get(
      '/services/bundles/:id',
      {
        schema: {
          ...pageSchema('A bundle: several services in one application, and what it needs', { errors: [400, 404] }),
          params: Type.Object({ id: Type.String({ pattern: SLUG, maxLength: 80, description: 'Bundle id, e.g. happy-childbirth' }) }),
          querystring: LocaleQuery,
        },
      },
      async (request, reply) => {
        const locale = request.locale;
        const bundle = catalogue.getBundle(request.params.id);
        const services = catalogue.bundleServices(bundle);
        return renderPage(request, reply, {
          title: bundle.name[locale],
          body: html`${breadcrumbs(locale, [
            { href: '/services', label: t(locale, messages.title) },
            { href: `/services/life-events/${bundle.lifeEvent}`, label: lifeEventName(locale, bundle.lifeEvent) },
            { label: bundle.name[locale] },
          ])}
<h1>${bundle.name[locale]}</h1>
<p class="lead">${bundle.description[locale]}</p>
<p><a class="button" id="apply-online" href="/services/bundles/${bundle.id}/apply">${t(locale, messages.applyOnline)}</a></p>
<h2>${t(locale, messages.bundleServicesHeading, { n: services.length })}</h2>
${serviceList(locale, services, 'bundle-services')}
<h2 id="documents-heading">${t(locale, messages.bundleDocumentsHeading)}</h2>
<p>${t(locale, messages.documentsLead)}</p>
${documentsTable(locale, t(locale, messages.documentsCaption, { name: bundle.name[locale] }), combinedDocuments(services))}`,
        });
      },
    );

    app.get(
      '/services/:id',
      {
        schema: {
          ...pageSchema('One service: what you need (fetched for you or handed in), processing time, fee, legal basis, contact, channels', { errors: [400, 404] }),
          params: Type.Object({ id: Type.String({ pattern: SLUG, maxLength: 80, description: 'Service id, e.g. child-allowance' }) }),
          querystring: LocaleQuery,
        },
      },
      async (request, reply) => {
        const locale = request.locale;
        const service = catalogue.getService(request.params.id);
        const bundles = catalogue.bundles().filter((bundle) => bundle.serviceIds.includes(service.id));
        const firstEvent = service.lifeEvents[0]!;
        return renderPage(request, reply, {
          title: service.name[locale],
          body: html`${breadcrumbs(locale, [
            { href: '/services', label: t(locale, messages.title) },
            { href: `/services/life-events/${firstEvent}`, label: lifeEventName(locale, firstEvent) },
            { label: service.name[locale] },
          ])}
<h1>${service.name[locale]}</h1>
<p class="lead">${service.description[locale]}</p>
${service.channels.includes('online') ? html`<p><a class="button" id="apply-online" href="/services/${service.id}/apply">${t(locale, messages.applyOnline)}</a></p>` : ''}
<dl class="facts" id="service-facts">
<dt>${t(locale, messages.agency)}</dt><dd>${service.agency.name[locale]}</dd>
<dt>${t(locale, messages.channels)}</dt><dd><ul>${service.channels.map((channel) => html`<li>${CHANNEL_NAMES[channel][locale]}</li>`)}</ul></dd>
<dt>${t(locale, messages.processingTime)}</dt><dd>${service.processingTime[locale]}</dd>
<dt>${t(locale, messages.fee)}</dt><dd>${feeText(locale, service)}</dd>
<dt>${t(locale, messages.legalBasis)}</dt><dd>${service.legalBasis[locale]}</dd>
<dt>${t(locale, messages.contact)}</dt><dd>${service.contact[locale]}</dd>
<dt>${t(locale, messages.lifeEvents)}</dt><dd>${service.lifeEvents.map(
            (code, i) => html`${i > 0 ? ', ' : ''}<a href="/services/life-events/${code}">${lifeEventName(locale, code)}</a>`,
          )}</dd>
${service.category ? html`<dt>${t(locale, messages.benefit)}</dt><dd>${CATEGORY_NAMES[service.category][locale]}</dd>` : ''}
</dl>
<h2 id="documents-heading">${t(locale, messages.documentsHeading)}</h2>
<p>${t(locale, messages.documentsLead)}</p>
${documentsTable(locale, t(locale, messages.documentsCaption, { name: service.name[locale] }), service.requiredDocuments)}
${bundles.length ? html`<h2>${t(locale, messages.inBundles)}</h2>${bundleList(locale, bundles)}` : ''}
<p><a href="/services">${t(locale, messages.backToServices)}</a></p>`,
        });
      },
    );
  };
}
