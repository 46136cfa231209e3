// HTTP API and page of the Data Tracker ("who used my data"): the signed-in resident's own list
// (`GET /api/v1/me/data-usage`, page `/me/data-usage`), and any resident's list for auditors
// (`GET /api/v1/residents/{residentId}/data-usage`). Every read is audited (see service.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, redirectToSignIn, requirePrincipal } from '../../core/auth';
import { periodProblems, readPeriod } from '../../core/period';
import { defineMessages, formatDate, formatDateTime, t, type Locale } from '../../core/i18n';
import { IdParam, pageSchema, problemResponses } from '../../core/schemas';
import { html } from '../../core/web/html';
import { periodFilter } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import { DataUsagePageSchema, DataUsageQuery } from './schema';
import { DEFAULT_LIMIT, type DataUsage, type DataUsagePage, type TrackerContext, type TrackerService } from './service';

const messages = defineMessages({
  title: { ko: '내 정보 이용 내역', en: 'Who used my data' },
  lead: {
    ko: '기관이 정보공동이용으로 내 정보를 조회한 기록, 다른 사람이 열람을 시도한 기록, 내가 로그인하고 내 정보를 열람한 기록을 모두 보여 줍니다. 최신 기록이 먼저 나옵니다.',
    en: 'Every time an agency looked up your data through the once-only exchange, anyone tried to see it, and you signed in or viewed your own data. Newest first.',
  },
  covertNote: {
    ko: '법 집행(범죄 수사)을 위해 비공개로 승인된 조회는 여기에 표시되지 않으며, 감사원이 따로 점검합니다.',
    en: 'Lookups approved as covert for law enforcement (criminal investigation) are not shown here; the Board of Audit and Inspection reviews them.',
  },
  caption: { ko: '내 정보 이용 내역: 전체 {total}건 중 {from}–{to}번째', en: 'Who used my data: {from}–{to} of {total}' },
  captionPeriod: { ko: ' ({start} ~ {end})', en: ' ({start} to {end})' },
  any: { ko: '처음', en: 'the beginning' },
  now: { ko: '오늘', en: 'today' },
  when: { ko: '일시', en: 'When' },
  who: { ko: '이용자', en: 'Who' },
  system: { ko: '시스템', en: 'System' },
  data: { ko: '이용한 정보', en: 'Data' },
  why: { ko: '이유', en: 'Why' },
  outcome: { ko: '결과', en: 'Outcome' },
  agreement: { ko: '근거 협약', en: 'Agreement' },
  requestId: { ko: '요청 번호', en: 'Request ID' },
  allowed: { ko: '제공됨', en: 'Allowed' },
  denied: { ko: '거부됨', en: 'Refused' },
  failed: { ko: '실패', en: 'Failed' },
  none: { ko: '없음', en: 'None' },
  fields: { ko: '항목: {fields}', en: 'Fields: {fields}' },
  empty: { ko: '이 기간에 내 정보를 이용한 기록이 없습니다.', en: 'No one used your data in this period.' },
  paging: { ko: '페이지 이동', en: 'Pages' },
  previous: { ko: '이전 {n}건', en: 'Previous {n}' },
  next: { ko: '다음 {n}건', en: 'Next {n}' },
  errorTitlePrefix: { ko: '오류:', en: 'Error:' },
  staffOnly: {
    ko: '공무원 계정에는 정보 이용 내역이 없습니다. 감사관은 API로 주민의 정보 이용 내역을 점검할 수 있습니다.',
    en: 'Staff accounts have no data-usage list. Auditors review a resident\'s list through the API.',
  },
});

function contextOf(request: FastifyRequest): TrackerContext {
  return { principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id };
}

/** The page's own query: empty form fields are "not given"; anything malformed is shown on the form. */
const PageQuery = Type.Object({
  periodStart: Type.Optional(Type.String({ maxLength: 30 })),
  periodEnd: Type.Optional(Type.String({ maxLength: 30 })),
  offset: Type.Optional(Type.String({ maxLength: 10 })),
  lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])),
});

function usageRow(locale: Locale, usage: DataUsage) {
  const system = usage.receiverSystem
    ? html`${usage.receiverSystemName ? html`${usage.receiverSystemName[locale]}<br>` : ''}<code>${usage.receiverSystem}</code>`
    : t(locale, messages.none);
  const data = usage.dataProduct
    ? html`${usage.dataProduct.title[locale]}${usage.fields.length ? html`<br><span class="hint">${t(locale, messages.fields, { fields: usage.fields.join(', ') })}</span>` : ''}`
    : t(locale, messages.none);
  return html`<tr>
<td><time datetime="${usage.logtime}">${formatDateTime(locale, new Date(usage.logtime))}</time></td>
<td>${usage.receiverName[locale]}${usage.receiverCode ? html` <span class="hint">(${usage.receiverCode})</span>` : ''}</td>
<td>${system}</td>
<td>${data}</td>
<td>${usage.action[locale]}</td>
<td>${t(locale, messages[usage.outcome])}</td>
<td>${usage.agreementId ?? t(locale, messages.none)}</td>
<td>${usage.requestId ? html`<code>${usage.requestId}</code>` : t(locale, messages.none)}</td>
</tr>`;
}

function pageHref(locale: Locale, period: { periodStart?: string; periodEnd?: string }, offset: number): string {
  const query = new URLSearchParams();
  if (period.periodStart) query.set('periodStart', period.periodStart);
  if (period.periodEnd) query.set('periodEnd', period.periodEnd);
  if (offset > 0) query.set('offset', String(offset));
  query.set('lang', locale);
  return `/me/data-usage?${query}`;
}

export function trackerRoutes(tracker: TrackerService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/v1/me/data-usage',
      {
        schema: {
          tags: ['tracker'],
          summary: 'Who used my data: audit entries about the signed-in resident, newest first (covert accesses hidden; audited)',
          querystring: DataUsageQuery,
          response: { 200: DataUsagePageSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { periodStart, periodEnd, offset, limit } = request.query;
        return tracker.forResident(contextOf(request), { periodStart, periodEnd, offset, limit });
      },
    );

    app.get(
      '/api/v1/residents/:residentId/data-usage',
      {
        schema: {
          tags: ['tracker'],
          summary: 'Who used a resident\'s data, for auditors: covert accesses included and flagged (audited, refusals too)',
          params: IdParam('residentId', 'Registry id of the resident'),
          querystring: DataUsageQuery,
          response: { 200: DataUsagePageSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const { periodStart, periodEnd, offset, limit } = request.query;
        return tracker.forAuditor(contextOf(request), request.params.residentId, { periodStart, periodEnd, offset, limit });
      },
    );

    app.get(
      '/me/data-usage',
      {
        schema: {
          ...pageSchema('Who used my data: the signed-in resident\'s data-usage list with a period filter and pages; signed-out visitors are sent to sign in', { errors: [400] }),
          querystring: PageQuery,
        },
      },
      async (request, reply) => {
        const principal = request.principal;
        if (!principal) return redirectToSignIn(request, reply);
        const locale = request.locale;
        const title = t(locale, messages.title);
        if (principal.role !== 'resident' || principal.residentId === null) {
          return renderPage(request, reply, { title, body: html`<h1>${title}</h1><p>${t(locale, messages.staffOnly)}</p>` });
        }
        const { periodStart, periodEnd } = readPeriod(request.query);
        const offset = /^\d{1,7}$/.test(request.query.offset ?? '') ? Number(request.query.offset) : 0;
        const invalid = periodProblems(locale, { periodStart, periodEnd });

        let page: DataUsagePage | null = null;
        if (invalid.size === 0) {
          page = await tracker.forResident(contextOf(request), { periodStart, periodEnd, offset, limit: DEFAULT_LIMIT });
        }
        const period = { periodStart, periodEnd };
        let results;
        if (!page) {
          results = '';
        } else if (page.items.length === 0) {
          results = html`<p class="notice" id="data-usage-empty">${t(locale, messages.empty)}</p>`;
        } else {
          const periodText =
            periodStart || periodEnd
              ? t(locale, messages.captionPeriod, {
                  start: periodStart ? formatDate(locale, periodStart) : t(locale, messages.any),
                  end: periodEnd ? formatDate(locale, periodEnd) : t(locale, messages.now),
                })
              : '';
          const caption = `${t(locale, messages.caption, { from: page.offset + 1, to: page.offset + page.items.length, total: page.total })}${periodText}`;
          const previous = page.offset > 0 ? Math.max(0, page.offset - page.limit) : null;
          const next = page.offset + page.items.length < page.total ? page.offset + page.limit : null;
          results = html`<table id="data-usage">
<caption>${caption}</caption>
<thead><tr><th scope="col">${t(locale, messages.when)}</th><th scope="col">${t(locale, messages.who)}</th><th scope="col">${t(locale, messages.system)}</th><th scope="col">${t(locale, messages.data)}</th><th scope="col">${t(locale, messages.why)}</th><th scope="col">${t(locale, messages.outcome)}</th><th scope="col">${t(locale, messages.agreement)}</th><th scope="col">${t(locale, messages.requestId)}</th></tr></thead>
<tbody>${page.items.map((usage) => usageRow(locale, usage))}</tbody>
</table>
${
  previous !== null || next !== null
    ? html`<nav aria-label="${t(locale, messages.paging)}" class="paging"><ul>
${previous !== null ? html`<li><a href="${pageHref(locale, period, previous)}" rel="prev">${t(locale, messages.previous, { n: page.limit })}</a></li>` : ''}
${next !== null ? html`<li><a href="${pageHref(locale, period, next)}" rel="next">${t(locale, messages.next, { n: page.limit })}</a></li>` : ''}
</ul></nav>`
    : ''
}`;
        }
        return renderPage(request, reply, {
          status: invalid.size > 0 ? 400 : 200,
          title: invalid.size > 0 ? `${t(locale, messages.errorTitlePrefix)} ${title}` : title,
          body: html`<h1>${title}</h1>
<p>${t(locale, messages.lead)}</p>
<p class="hint">${t(locale, messages.covertNote)}</p>
${periodFilter(locale, '/me/data-usage', period, invalid)}
${results}`,
        });
      },
    );
  };
}

