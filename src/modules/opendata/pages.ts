// The data catalogue's pages, Korean and English, without JavaScript: /catalog (search with facet
// checkboxes in one GET form, results, pages, links to the DCAT output) and /datasets/{id} (an
// entry's metadata, distributions and data services; for an official on a restricted registry
// product, the button that starts an access-agreement request for it in the agreements console).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors';
import { defineMessages, formatDate, t, type Locale } from '../../core/i18n';
import { html, type SafeHtml } from '../../core/web/html';
import { breadcrumbs } from '../../core/web/breadcrumbs';
import { errorSummary } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import { MAX_QUERY_LENGTH } from '../services';
import type { DatasetSearchResult, FacetClause, OpenDataCatalogue, Viewer } from './catalogue';
import { visibleLevels } from './catalogue';
import { ACCESS_LEVEL_NAMES, FACETS, FREQUENCIES, LICENCES, THEMES, type DatasetEntry, type Facet } from './model';

export const PAGE_SIZE = 20;

const messages = defineMessages({
  title: { ko: '데이터 목록', en: 'Data catalogue' },
  lead: {
    ko: '모든 기관의 데이터를 한곳에서 찾으세요. 공개 데이터는 누구나 내려받고 오픈 API로 이용할 수 있습니다.',
    en: 'Find every agency\'s data in one place. Open data can be downloaded and used through open APIs by anyone.',
  },
  leadGovernment: {
    ko: '공무원에게는 협약을 맺어 정부 안에서 이용하는 제한 데이터와 비공개 데이터도 보입니다.',
    en: 'As an official you also see restricted data (used inside government under an agreement) and closed data.',
  },
  searchHeading: { ko: '데이터 검색', en: 'Search the catalogue' },
  searchLabel: { ko: '찾는 데이터', en: 'What data are you looking for?' },
  searchHint: { ko: '예: 미세먼지, 버스 정류장, air quality. 글자가 조금 틀려도 찾아 드립니다.', en: 'For example: air quality, bus stops, 미세먼지. Small typos do not matter.' },
  searchButton: { ko: '검색', en: 'Search' },
  facet_publisher: { ko: '제공 기관', en: 'Publisher' },
  facet_theme: { ko: '분야', en: 'Theme' },
  facet_format: { ko: '파일 형식', en: 'Format' },
  facet_access: { ko: '공개 수준', en: 'Access level' },
  facet_licence: { ko: '이용 허락', en: 'Licence' },
  facetsHeading: { ko: '조건으로 좁히기', en: 'Filter' },
  apply: { ko: '조건 적용', en: 'Apply filters' },
  clear: { ko: '조건 모두 지우기', en: 'Clear all filters' },
  count: { ko: '데이터 {total}개 중 {from}–{to}번째', en: '{from}–{to} of {total} datasets' },
  none: { ko: '조건에 맞는 데이터가 없습니다. 검색어나 조건을 바꿔 보세요.', en: 'No dataset matches. Try other words or fewer filters.' },
  resultsHeading: { ko: '검색 결과', en: 'Results' },
  paging: { ko: '결과 페이지', en: 'Result pages' },
  previous: { ko: '이전 페이지', en: 'Previous page' },
  next: { ko: '다음 페이지', en: 'Next page' },
  machineReadable: { ko: '기계 판독용 목록(DCAT-AP)', en: 'Machine-readable catalogue (DCAT-AP)' },
  ckanApi: { ko: 'CKAN 호환 API', en: 'CKAN-compatible API' },
  developersLink: { ko: '개발자 센터(API 키, 호출 한도)', en: 'Developers (API keys, rate limits)' },
  dataRequestsLink: { ko: '데이터 제공 요청', en: 'Data requests' },
  errorSummary: { ko: '입력 내용을 확인해 주세요', en: 'There is a problem' },
  queryInvalid: { ko: '검색어는 {max}자 이하로, 입력할 수 있는 문자만 쓰세요', en: 'Enter at most {max} characters, letters, numbers and spaces' },
  publisher: { ko: '제공 기관', en: 'Publisher' },
  themes: { ko: '분야', en: 'Themes' },
  keywords: { ko: '키워드', en: 'Keywords' },
  licence: { ko: '이용 허락', en: 'Licence' },
  noLicence: { ko: '공개 이용 허락 없음', en: 'No public licence' },
  frequency: { ko: '갱신 주기', en: 'Update frequency' },
  temporal: { ko: '시간 범위', en: 'Time period' },
  temporalOpen: { ko: '{start}부터', en: 'From {start}' },
  temporalRange: { ko: '{start} ~ {end}', en: '{start} to {end}' },
  spatial: { ko: '공간 범위', en: 'Area' },
  contact: { ko: '문의처', en: 'Contact' },
  accessLevel: { ko: '공개 수준', en: 'Access level' },
  issued: { ko: '최초 등록일', en: 'First published' },
  modified: { ko: '최종 수정일', en: 'Last updated' },
  identifier: { ko: '식별자', en: 'Identifier' },
  distributionsHeading: { ko: '배포 형태', en: 'Distributions' },
  distributionsCaption: { ko: '{name}: 파일과 접근 주소', en: '{name}: files and access URLs' },
  format: { ko: '형식', en: 'Format' },
  mediaType: { ko: '미디어 유형', en: 'Media type' },
  access: { ko: '접근', en: 'Access' },
  download: { ko: '내려받기', en: 'Download' },
  accessUrl: { ko: '접근 주소', en: 'Access URL' },
  servicesHeading: { ko: '데이터 서비스(API)', en: 'Data services (APIs)' },
  endpoint: { ko: '엔드포인트', en: 'Endpoint' },
  endpointDescription: { ko: 'API 명세', en: 'API description' },
  requestAccess: { ko: '이 데이터의 이용 협약 신청하기', en: 'Request an access agreement for this data' },
  restrictedNote: {
    ko: '이 데이터는 정부 안에서, 목적과 법적 근거를 정한 정보 공동이용 협약을 맺은 기관만 이용할 수 있습니다.',
    en: 'This data is used only inside government, by agencies with a data-sharing agreement stating the purpose and legal basis.',
  },
  restrictedOfficialsOnly: { ko: '이용 협약은 이용 기관의 공무원이 신청합니다.', en: 'Officials of the agency that needs the data request the agreement.' },
  closedNote: { ko: '이 데이터는 공개하거나 공유하지 않습니다. 목록에는 자산 현황을 위해 올려 두었습니다.', en: 'This data is neither published nor shared; it is listed so the catalogue covers every data asset.' },
  backToCatalogue: { ko: '데이터 목록으로 돌아가기', en: 'Back to the data catalogue' },
  uploadData: { ko: '이 데이터셋에 파일 올리기', en: 'Upload a file to this dataset' },
  usageHeading: { ko: 'API 이용 통계(최근 30일)', en: 'API use (last 30 days)' },
  usageSummary: { ko: '{since}부터 {requests}회 호출(API 키로 {keyed}회, 키 {keys}개)', en: '{requests} requests since {since} ({keyed} with an API key, {keys} keys)' },
  usageNone: { ko: '최근 30일 동안 API 호출이 없습니다.', en: 'No API requests in the last 30 days.' },
  usageCaption: { ko: '날짜별 API 호출 수', en: 'API requests per day' },
  usageDay: { ko: '날짜', en: 'Day' },
  usageRequests: { ko: '호출 수', en: 'Requests' },
  usageJson: { ko: '이용 통계(JSON)', en: 'Usage statistics (JSON)' },
  dataRequest: { ko: '필요한 데이터가 더 있나요? {publisher}에 데이터 제공 요청하기', en: 'Need more data? Ask {publisher} to release it' },
  formats: { ko: '형식', en: 'Formats' },
});

export type FacetSelection = Partial<Record<Facet, string[]>>;

export function facetLabel(locale: Locale, catalogue: OpenDataCatalogue, facet: Facet, value: string): string {
  switch (facet) {
    case 'publisher':
      return catalogue.findPublisher(value)?.name[locale] ?? value;
    case 'theme':
      return THEMES[value as keyof typeof THEMES]?.[locale] ?? value;
    case 'format':
      return value;
    case 'access':
      return ACCESS_LEVEL_NAMES[value as keyof typeof ACCESS_LEVEL_NAMES]?.[locale] ?? value;
    case 'licence':
      return LICENCES[value as keyof typeof LICENCES]?.title[locale] ?? value;
  }
}

function pageHref(locale: Locale, q: string, selection: FacetSelection, page: number): string {
  const params = new URLSearchParams({ lang: locale });
  if (q) params.set('q', q);
  for (const facet of FACETS) for (const value of selection[facet] ?? []) params.append(facet, value);
  if (page > 1) params.set('page', String(page));
  return `/catalog?${params}`;
}

export function clausesOf(selection: FacetSelection): FacetClause[] {
  return FACETS.filter((facet) => selection[facet]?.length).map((facet) => ({ facet, anyOf: selection[facet]! }));
}

export function renderCatalogue(
  request: FastifyRequest,
  reply: FastifyReply,
  catalogue: OpenDataCatalogue,
  viewer: Viewer,
  input: { q: string; selection: FacetSelection; page: number },
): FastifyReply {
  const locale = request.locale;
  let result: DatasetSearchResult;
  let queryError: string | null = null;
  const clauses = clausesOf(input.selection);
  try {
    result = catalogue.search({ q: input.q, filters: clauses, offset: (input.page - 1) * PAGE_SIZE, limit: PAGE_SIZE, locale }, viewer);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') throw error;
    queryError = t(locale, messages.queryInvalid, { max: MAX_QUERY_LENGTH });
    result = catalogue.search({ filters: clauses, offset: 0, limit: PAGE_SIZE, locale }, viewer);
  }
  const government = visibleLevels(viewer).length > 1;
  const facets = FACETS.filter((facet) => facet !== 'access' || government);
  const from = result.total === 0 ? 0 : result.offset + 1;
  const to = result.offset + result.items.length;
  const lastPage = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  const title = t(locale, messages.title);

  const facetFieldset = (facet: Facet) => {
    const selected = input.selection[facet] ?? [];
    const counts = new Map(result.facets[facet].map((c) => [c.value, c.count]));
    const values = [...new Set([...result.facets[facet].map((c) => c.value), ...selected])];
    if (values.length === 0) return '';
    return html`<fieldset class="facet" id="facet-${facet}"><legend>${t(locale, messages[`facet_${facet}`])}</legend>
${values.map(
  (value) => html`<div><input type="checkbox" id="${facet}-${value}" name="${facet}" value="${value}"${selected.includes(value) ? html` checked` : ''}>
<label for="${facet}-${value}">${facetLabel(locale, catalogue, facet, value)} (${counts.get(value) ?? 0})</label></div>`,
)}
</fieldset>`;
  };

  return renderPage(request, reply, {
    status: queryError ? 400 : 200,
    title: queryError ? `${t(locale, messages.errorSummary)}: ${title}` : title,
    body: html`${breadcrumbs(locale, [{ label: title }])}
<h1>${title}</h1>
<p class="lead">${t(locale, messages.lead)}</p>
${government ? html`<p>${t(locale, messages.leadGovernment)}</p>` : ''}
${queryError ? errorSummary(locale, [{ target: 'q', message: `${t(locale, messages.searchLabel)}: ${queryError}` }]) : ''}
<form method="get" action="/catalog" class="form" role="search" aria-labelledby="search-heading">
<h2 id="search-heading">${t(locale, messages.searchHeading)}</h2>
<input type="hidden" name="lang" value="${locale}">
<div class="field${queryError ? ' field-error' : ''}"><label for="q">${t(locale, messages.searchLabel)}</label>
<p class="hint" id="q-hint">${t(locale, messages.searchHint)}</p>
${queryError ? html`<p class="error-message" id="q-error">${queryError}</p>` : ''}
<input id="q" name="q" type="search" maxlength="${MAX_QUERY_LENGTH}" value="${input.q}" aria-describedby="q-hint${queryError ? ' q-error' : ''}"${queryError ? html` aria-invalid="true"` : ''}></div>
<button type="submit" class="button">${t(locale, messages.searchButton)}</button>
<h3>${t(locale, messages.facetsHeading)}</h3>
${facets.map(facetFieldset)}
<button type="submit" class="button" id="apply-filters">${t(locale, messages.apply)}</button>
${clauses.length ? html` <a href="${pageHref(locale, input.q, {}, 1)}">${t(locale, messages.clear)}</a>` : ''}
</form>
<section aria-labelledby="results-heading" id="search-results">
<h2 id="results-heading">${t(locale, messages.resultsHeading)}</h2>
<p id="result-count">${result.total === 0 ? t(locale, messages.none) : t(locale, messages.count, { total: result.total, from, to })}</p>
<ul class="choice-list">${result.items.map(
      (entry) => html`<li><h3><a href="/datasets/${entry.id}">${entry.title[locale]}</a></h3>
<p>${entry.description[locale]}</p>
<p class="hint">${entry.publisher.name[locale]} · ${ACCESS_LEVEL_NAMES[entry.accessLevel][locale]} · ${entry.themes.map((theme) => THEMES[theme][locale]).join(', ')}${
        entry.distributions.length ? ` · ${t(locale, messages.formats)}: ${[...new Set(entry.distributions.map((d) => d.format))].join(', ')}` : ''
      }</p></li>`,
    )}</ul>
${
  lastPage > 1
    ? html`<nav aria-label="${t(locale, messages.paging)}"><ul class="pagination">
${input.page > 1 ? html`<li><a rel="prev" href="${pageHref(locale, input.q, input.selection, input.page - 1)}">${t(locale, messages.previous)}</a></li>` : ''}
${input.page < lastPage ? html`<li><a rel="next" href="${pageHref(locale, input.q, input.selection, input.page + 1)}">${t(locale, messages.next)}</a></li>` : ''}
</ul></nav>`
    : ''
}
</section>
<p>${t(locale, messages.machineReadable)}: <a href="/catalog.jsonld" type="application/ld+json">JSON-LD</a> · <a href="/catalog.ttl" type="text/turtle">Turtle</a> · ${t(locale, messages.ckanApi)}: <a href="/api/3/action/package_search"><code>/api/3/action/package_search</code></a></p>
<p><a href="/developers?lang=${locale}">${t(locale, messages.developersLink)}</a> · <a href="/data-requests?lang=${locale}">${t(locale, messages.dataRequestsLink)}</a></p>`,
  });
}

export async function renderDataset(request: FastifyRequest, reply: FastifyReply, entry: DatasetEntry): Promise<FastifyReply> {
  const locale = request.locale;
  const usage = await request.server.openDataUsage?.forDataset(entry.id);
  const role = request.principal?.role ?? null;
  const temporal = entry.temporal
    ? entry.temporal.end
      ? t(locale, messages.temporalRange, { start: formatDate(locale, entry.temporal.start), end: formatDate(locale, entry.temporal.end) })
      : t(locale, messages.temporalOpen, { start: formatDate(locale, entry.temporal.start) })
    : null;
  const servicesById = new Map(entry.services.map((s) => [s.id, s]));
  return renderPage(request, reply, {
    title: entry.title[locale],
    body: html`${breadcrumbs(locale, [{ href: '/catalog', label: t(locale, messages.title) }, { label: entry.title[locale] }])}
<h1>${entry.title[locale]}</h1>
<p class="lead">${entry.description[locale]}</p>
${
  entry.accessLevel === 'restricted'
    ? html`<div class="notice" id="access-notice"><p>${t(locale, messages.restrictedNote)}</p>
${
  entry.dataProductId && role === 'official' && request.principal?.agencyCode !== entry.publisher.code
    ? html`<p><a class="button" id="request-access" href="/console/agreements/new?product=${encodeURIComponent(entry.dataProductId)}&amp;lang=${locale}">${t(locale, messages.requestAccess)}</a></p>`
    : html`<p>${t(locale, messages.restrictedOfficialsOnly)}</p>`
}</div>`
    : entry.accessLevel === 'closed'
      ? html`<div class="notice" id="access-notice"><p>${t(locale, messages.closedNote)}</p></div>`
      : ''
}
<dl class="facts" id="dataset-facts">
<dt>${t(locale, messages.identifier)}</dt><dd><code>${entry.id}</code></dd>
<dt>${t(locale, messages.publisher)}</dt><dd>${entry.publisher.name[locale]} (${entry.publisher.code})</dd>
<dt>${t(locale, messages.accessLevel)}</dt><dd>${ACCESS_LEVEL_NAMES[entry.accessLevel][locale]}</dd>
<dt>${t(locale, messages.themes)}</dt><dd>${entry.themes.map((theme, i) => html`${i > 0 ? ', ' : ''}<a href="/catalog?theme=${theme}&amp;lang=${locale}">${THEMES[theme][locale]}</a>`)}</dd>
<dt>${t(locale, messages.keywords)}</dt><dd>${entry.keywords[locale].join(', ')}</dd>
<dt>${t(locale, messages.licence)}</dt><dd>${entry.licence ? html`<a href="${LICENCES[entry.licence].uri}">${LICENCES[entry.licence].title[locale]}</a>` : t(locale, messages.noLicence)}</dd>
<dt>${t(locale, messages.frequency)}</dt><dd>${FREQUENCIES[entry.frequency][locale]}</dd>
${temporal ? html`<dt>${t(locale, messages.temporal)}</dt><dd>${temporal}</dd>` : ''}
<dt>${t(locale, messages.spatial)}</dt><dd>${entry.spatial.name[locale]}</dd>
<dt>${t(locale, messages.contact)}</dt><dd>${entry.contact.name[locale]}, <a href="mailto:${entry.contact.email}">${entry.contact.email}</a></dd>
<dt>${t(locale, messages.issued)}</dt><dd>${formatDate(locale, entry.issued)}</dd>
<dt>${t(locale, messages.modified)}</dt><dd>${formatDate(locale, entry.modified)}</dd>
</dl>
${
  entry.distributions.length
    ? html`<h2 id="distributions-heading">${t(locale, messages.distributionsHeading)}</h2>
<table id="distributions"><caption>${t(locale, messages.distributionsCaption, { name: entry.title[locale] })}</caption>
<thead><tr><th scope="col">${t(locale, messages.format)}</th><th scope="col">${t(locale, messages.mediaType)}</th><th scope="col">${t(locale, messages.access)}</th></tr></thead>
<tbody>${entry.distributions.map(
        (d) => html`<tr><th scope="row">${d.format}${d.accessServiceId ? html` (${servicesById.get(d.accessServiceId)?.title[locale] ?? ''})` : ''}</th><td><code>${d.mediaType}</code></td><td>${
          d.downloadUrl ? html`<a href="${d.downloadUrl}">${t(locale, messages.download)}</a>` : html`<a href="${d.accessUrl}">${t(locale, messages.accessUrl)}</a>`
        }</td></tr>`,
      )}</tbody></table>`
    : ''
}
${
  entry.services.length
    ? html`<h2 id="services-heading">${t(locale, messages.servicesHeading)}</h2>
<ul id="data-services">${entry.services.map(
        (s) => html`<li>${s.title[locale]}<br>${t(locale, messages.endpoint)}: <code>${s.endpointUrl}</code><br><a href="${s.endpointDescription}">${t(locale, messages.endpointDescription)}</a></li>`,
      )}</ul>`
    : ''
}
${
  role === 'official' && request.principal?.agencyCode === entry.publisher.code
    ? html`<p><a class="button" id="upload-data" href="/console/opendata/uploads?dataset=${encodeURIComponent(entry.id)}&amp;lang=${locale}">${t(locale, messages.uploadData)}</a></p>`
    : ''
}
${
  usage
    ? html`<h2 id="usage-heading">${t(locale, messages.usageHeading)}</h2>
${
  usage.requests === 0
    ? html`<p id="dataset-usage">${t(locale, messages.usageNone)}</p>`
    : html`<p id="dataset-usage">${t(locale, messages.usageSummary, { since: formatDate(locale, usage.since), requests: usage.requests, keyed: usage.keyedRequests, keys: usage.keys })}</p>
<table id="dataset-usage-daily"><caption>${t(locale, messages.usageCaption)}</caption>
<thead><tr><th scope="col">${t(locale, messages.usageDay)}</th><th scope="col">${t(locale, messages.usageRequests)}</th></tr></thead>
<tbody>${usage.daily.map((d) => html`<tr><th scope="row">${formatDate(locale, d.day)}</th><td>${d.requests}</td></tr>`)}</tbody></table>`
}
<p><a href="/api/v1/opendata/usage/${entry.id}" type="application/json">${t(locale, messages.usageJson)}</a></p>`
    : ''
}
<p><a id="data-request-link" href="/data-requests/new?agency=${entry.publisher.code}&amp;lang=${locale}">${t(locale, messages.dataRequest, { publisher: entry.publisher.name[locale] })}</a></p>
<p>${t(locale, messages.machineReadable)}: <a href="/datasets/${entry.id}.jsonld" type="application/ld+json">JSON-LD</a> · <a href="/datasets/${entry.id}.ttl" type="text/turtle">Turtle</a></p>
<p><a href="/catalog?lang=${locale}">${t(locale, messages.backToCatalogue)}</a></p>`,
  });
}
