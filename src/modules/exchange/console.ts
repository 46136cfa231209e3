// Staff console pages of the once-only exchange, server-rendered and usable without JavaScript:
// - /console/exchange-log (officials): their own agency's exchange requests, as client (what its
//   systems read) and as data holder (who read its registries' data products), newest first, by
//   period and in pages. Covert requests are shown to both parties, flagged: the agencies took
//   part in them; only the data subject does not see them. Every view is audited
//   ('exchange.log.read'; refusals too).
// - /console/statistics (operator, auditors): the monthly request counts per client agency × data
//   product, the same numbers as the open GET /api/v1/exchange/statistics.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuditLog, AuditRecord } from '../../core/audit';
import { actorOf, redirectToSignIn } from '../../core/auth';
import { withTransaction, type Pool } from '../../core/db';
import { AppError } from '../../core/errors';
import { PERIOD_MESSAGES, periodBounds, periodProblems, readPeriod, type Period } from '../../core/period';
import { defineMessages, formatDate, formatDateTime, t, type Locale, type Message } from '../../core/i18n';
import { pageSchema } from '../../core/schemas';
import { html, type SafeHtml } from '../../core/web/html';
import { periodFilter } from '../../core/web/forms';
import { renderPage } from '../../core/web/layout';
import { findPurpose } from '../agreements/purposes';
import type { DirectoryService } from '../directory';
import { findDataProduct } from '../registry/data-products';
import { currentMonth, type ExchangeService } from './service';

export const EXCHANGE_LOG_READ = 'exchange.log.read';
const PAGE_SIZE = 20;

const messages = defineMessages({
  logTitle: { ko: '정보공동이용 요청 기록', en: 'Exchange request log' },
  logLead: {
    ko: '우리 기관 시스템이 다른 기관의 데이터를 조회한 요청(이용 기관)과 다른 기관이 우리 기관 데이터를 조회한 요청(보유기관)을 모두 보여 줍니다. 거부된 요청도 포함하며, 최신 기록이 먼저 나옵니다. 이 화면을 보는 것도 기록됩니다.',
    en: 'Every exchange request your agency\'s systems made (as client) and every request for your agency\'s data (as data holder), refused ones included, newest first. Viewing this page is itself recorded.',
  },
  covertNote: {
    ko: '비공개(법 집행) 협약에 따른 요청은 "비공개"로 표시됩니다. 정보주체에게는 보이지 않으니 취급에 주의하세요.',
    en: 'Requests under covert (law-enforcement) agreements are marked "Covert": the data subject does not see them, so handle them with care.',
  },
  staffOnly: { ko: '정보공동이용 요청 기록은 기관 공무원만 볼 수 있습니다.', en: 'Only agency officials can see an exchange request log.' },
  caption: { ko: '{agency} 정보공동이용 요청: 전체 {total}건 중 {from}–{to}번째', en: 'Exchange requests of {agency}: {from}–{to} of {total}' },
  captionPeriod: { ko: ' ({start} ~ {end})', en: ' ({start} to {end})' },
  any: { ko: '처음', en: 'the beginning' },
  now: { ko: '오늘', en: 'today' },
  empty: { ko: '이 기간에 우리 기관의 정보공동이용 요청이 없습니다.', en: 'Your agency has no exchange requests in this period.' },
  when: { ko: '일시', en: 'When' },
  side: { ko: '우리 기관 역할', en: 'Your role' },
  side_client: { ko: '이용 기관', en: 'Client' },
  side_holder: { ko: '보유기관', en: 'Data holder' },
  side_both: { ko: '이용·보유기관', en: 'Client and holder' },
  client: { ko: '이용 시스템', en: 'Client system' },
  product: { ko: '데이터 상품', en: 'Data product' },
  purpose: { ko: '이용 목적', en: 'Purpose' },
  fields: { ko: '제공 항목', en: 'Fields served' },
  outcome: { ko: '결과', en: 'Outcome' },
  denial: { ko: '거부 사유', en: 'Refusal reason' },
  agreement: { ko: '근거 협약', en: 'Agreement' },
  userId: { ko: '담당자 ID', en: 'User id' },
  allowed: { ko: '제공됨', en: 'Allowed' },
  denied: { ko: '거부됨', en: 'Refused' },
  failed: { ko: '실패', en: 'Failed' },
  covert: { ko: '비공개', en: 'Covert' },
  none: { ko: '없음', en: 'None' },
  paging: { ko: '페이지 이동', en: 'Pages' },
  previous: { ko: '이전 {n}건', en: 'Previous {n}' },
  next: { ko: '다음 {n}건', en: 'Next {n}' },
  errorTitlePrefix: { ko: '오류:', en: 'Error:' },
  statsTitle: { ko: '정보공동이용 월별 통계', en: 'Monthly exchange statistics' },
  statsLead: {
    ko: '이용 기관과 데이터 상품별로 한 달 동안 제공된 요청과 거부된 요청의 수입니다(한국 시간 기준). 같은 숫자를 공개 API GET /api/v1/exchange/statistics 로도 제공합니다.',
    en: 'Requests allowed and refused in one month (Korea time) per client agency and data product. The same numbers are open data at GET /api/v1/exchange/statistics.',
  },
  statsOnly: { ko: '통계 화면은 플랫폼 운영기관과 감사인만 볼 수 있습니다.', en: 'Only the platform operator and auditors can see this page.' },
  month: { ko: '월', en: 'Month' },
  chooseMonth: { ko: '월 선택', en: 'Choose a month' },
  statsCaption: { ko: '{month} 이용 기관·데이터 상품별 요청 수', en: 'Requests per client agency and data product, {month}' },
  statsEmpty: { ko: '이 달에는 정보공동이용 요청이 없습니다.', en: 'There were no exchange requests in this month.' },
  agency: { ko: '이용 기관', en: 'Client agency' },
  systems: { ko: '이용 시스템', en: 'Client systems' },
  total: { ko: '합계', en: 'Total' },
  allTotal: { ko: '전체', en: 'All' },
});

const PERIOD_FIELDS = ['periodStart', 'periodEnd'] as const;

const LogQuery = Type.Object({
  periodStart: Type.Optional(Type.String({ maxLength: 30 })),
  periodEnd: Type.Optional(Type.String({ maxLength: 30 })),
  offset: Type.Optional(Type.String({ maxLength: 10 })),
  lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])),
});

const StatsQuery = Type.Object({
  month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM in Korea time (default: this month)' })),
  lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])),
});

/** One line of the exchange log, as the page shows it. */
export interface ExchangeLogLine {
  at: Date;
  side: 'client' | 'holder' | 'both';
  clientSubsystem: string;
  productId: string;
  purposeCode: string | null;
  fields: string[];
  outcome: AuditRecord['outcome'];
  denial: string | null;
  agreementId: string | null;
  userId: string | null;
  covert: boolean;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

export function toLogLine(entry: AuditRecord, agency: string): ExchangeLogLine {
  const d = entry.details ?? {};
  const clientSubsystem = str(d.clientSubsystem) ?? entry.actorId;
  const asClient = entry.actorOrg === agency;
  const asHolder = (str(d.providerSubsystem) ?? '').split('/')[2] === agency;
  return {
    at: entry.occurredAt,
    side: asClient && asHolder ? 'both' : asClient ? 'client' : 'holder',
    clientSubsystem,
    productId: str(d.productId) ?? entry.resource.replace(/^exchange\//, ''),
    purposeCode: str(d.purposeCode),
    fields: Array.isArray(d.fields) ? d.fields.filter((f): f is string => typeof f === 'string') : [],
    outcome: entry.outcome,
    denial: str(d.denial),
    agreementId: str(d.agreementId),
    userId: str(d.userId),
    covert: d.covert === true,
  };
}

/** The last 24 months, newest first, and the given one if it is older. */
function monthChoices(selected: string): string[] {
  const [year, month] = currentMonth().split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let i = 0; i < 24; i += 1) {
    const index = year * 12 + (month - 1) - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  if (!months.includes(selected)) months.push(selected);
  return months;
}

function formatMonth(locale: Locale, month: string): string {
  const [year, m] = month.split('-');
  return locale === 'ko' ? `${year}년 ${Number(m)}월` : new Date(`${month}-01T00:00:00Z`).toLocaleDateString('en-GB', { year: 'numeric', month: 'long', timeZone: 'UTC' });
}

export function exchangeConsole(deps: { pool: Pool; audit: AuditLog; directory: DirectoryService; exchange: ExchangeService }) {
  const { pool, audit, directory, exchange } = deps;

  async function names(): Promise<{ members: Map<string, Message>; systems: Map<string, Message> }> {
    const [members, subsystems] = await Promise.all([directory.listMembers(), directory.listSubsystems()]);
    return { members: new Map(members.map((m) => [m.memberCode, m.name])), systems: new Map(subsystems.map((s) => [s.id, s.name])) };
  }

  /** The agency's exchange requests, one page; the view is audited in the same transaction. */
  async function readLog(request: FastifyRequest, agency: string, bounds: { from?: Date; to?: Date }, period: Period, offset: number) {
    return withTransaction(pool, async (tx) => {
      const page = await audit.listByOrganisation(agency, { action: 'exchange.read', includeProviderSide: true, ...bounds, offset, limit: PAGE_SIZE }, tx);
      await audit.append(tx, {
        actor: actorOf(request),
        action: EXCHANGE_LOG_READ,
        purpose: 'console: an agency reviews its own exchange requests',
        resource: `exchange/log/${agency}`,
        outcome: 'allowed',
        requestId: request.id,
        details: { agencyCode: agency, periodStart: period.periodStart ?? null, periodEnd: period.periodEnd ?? null, offset, limit: PAGE_SIZE },
      });
      return page;
    });
  }

  function logHref(locale: Locale, period: Period, offset: number): string {
    const query = new URLSearchParams();
    for (const name of PERIOD_FIELDS) if (period[name]) query.set(name, period[name]!);
    if (offset > 0) query.set('offset', String(offset));
    query.set('lang', locale);
    return `/console/exchange-log?${query}`;
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/console/exchange-log',
      {
        schema: {
          ...pageSchema('Staff console: the official\'s agency\'s exchange requests, as client and as data holder, by period and in pages (officials; audited)', { errors: [400, 403] }),
          querystring: LogQuery,
        },
      },
      async (request, reply) => {
        const principal = request.principal;
        if (!principal) return redirectToSignIn(request, reply);
        const locale = request.locale;
        const title = t(locale, messages.logTitle);
        if (principal.role !== 'official' || !principal.agencyCode) {
          await audit.append(pool, {
            actor: actorOf(request),
            action: EXCHANGE_LOG_READ,
            purpose: 'console: an agency reviews its own exchange requests',
            resource: 'exchange/log',
            outcome: 'denied',
            requestId: request.id,
          });
          throw new AppError('FORBIDDEN', t(locale, messages.staffOnly));
        }
        const agency = principal.agencyCode;
        const period = readPeriod(request.query);
        const offset = /^\d{1,7}$/.test(request.query.offset ?? '') ? Number(request.query.offset) : 0;
        const invalid = periodProblems(locale, period);

        const { members, systems } = await names();
        const agencyName = members.get(agency)?.[locale] ?? agency;
        let results: SafeHtml | '' = '';
        if (invalid.size === 0) {
          const page = await readLog(request, agency, periodBounds(period.periodStart, period.periodEnd), period, offset);
          const lines = page.items.map((entry) => toLogLine(entry, agency));
          if (lines.length === 0) {
            results = html`<p class="notice" id="exchange-log-empty">${t(locale, messages.empty)}</p>`;
          } else {
            const periodText =
              period.periodStart || period.periodEnd
                ? t(locale, messages.captionPeriod, {
                    start: period.periodStart ? formatDate(locale, period.periodStart) : t(locale, messages.any),
                    end: period.periodEnd ? formatDate(locale, period.periodEnd) : t(locale, messages.now),
                  })
                : '';
            const caption = `${t(locale, messages.caption, { agency: agencyName, from: offset + 1, to: offset + lines.length, total: page.total })}${periodText}`;
            const previous = offset > 0 ? Math.max(0, offset - PAGE_SIZE) : null;
            const next = offset + lines.length < page.total ? offset + PAGE_SIZE : null;
            const none = t(locale, messages.none);
            results = html`<table id="exchange-log">
<caption>${caption}</caption>
<thead><tr><th scope="col">${t(locale, messages.when)}</th><th scope="col">${t(locale, messages.side)}</th><th scope="col">${t(locale, messages.client)}</th><th scope="col">${t(locale, messages.product)}</th><th scope="col">${t(locale, messages.purpose)}</th><th scope="col">${t(locale, messages.fields)}</th><th scope="col">${t(locale, messages.outcome)}</th><th scope="col">${t(locale, messages.denial)}</th><th scope="col">${t(locale, messages.agreement)}</th><th scope="col">${t(locale, messages.userId)}</th></tr></thead>
<tbody>${lines.map((line) => {
              const system = systems.get(line.clientSubsystem);
              const product = findDataProduct(line.productId);
              const purpose = line.purposeCode ? findPurpose(line.purposeCode) : undefined;
              return html`<tr${line.covert ? html` class="covert"` : ''}>
<td><time datetime="${line.at.toISOString()}">${formatDateTime(locale, line.at)}</time>${line.covert ? html`<br><strong class="tag">${t(locale, messages.covert)}</strong>` : ''}</td>
<td>${t(locale, messages[`side_${line.side}`])}</td>
<td>${system ? html`${system[locale]}<br>` : ''}<code>${line.clientSubsystem}</code></td>
<td>${product ? html`${product.title[locale]}<br>` : ''}<code>${line.productId}</code></td>
<td>${purpose ? html`${purpose.title[locale]}<br>` : ''}${line.purposeCode ? html`<code>${line.purposeCode}</code>` : none}</td>
<td>${line.fields.length ? line.fields.join(', ') : none}</td>
<td>${t(locale, messages[line.outcome])}</td>
<td>${line.denial ? html`<code>${line.denial}</code>` : none}</td>
<td>${line.agreementId ? html`<a href="/console/agreements/${line.agreementId}">${line.agreementId}</a>` : none}</td>
<td>${line.userId ? html`<code>${line.userId}</code>` : none}</td>
</tr>`;
            })}</tbody>
</table>
${
  previous !== null || next !== null
    ? html`<nav aria-label="${t(locale, messages.paging)}" class="paging"><ul>
${previous !== null ? html`<li><a href="${logHref(locale, period, previous)}" rel="prev">${t(locale, messages.previous, { n: PAGE_SIZE })}</a></li>` : ''}
${next !== null ? html`<li><a href="${logHref(locale, period, next)}" rel="next">${t(locale, messages.next, { n: PAGE_SIZE })}</a></li>` : ''}
</ul></nav>`
    : ''
}`;
          }
        }
        return renderPage(request, reply, {
          status: invalid.size > 0 ? 400 : 200,
          title: invalid.size > 0 ? `${t(locale, messages.errorTitlePrefix)} ${title}` : title,
          body: html`<h1>${title}</h1>
<p>${t(locale, messages.logLead)}</p>
<p class="hint">${t(locale, messages.covertNote)}</p>
${periodFilter(locale, '/console/exchange-log', period, invalid)}
${results}`,
        });
      },
    );

    app.get(
      '/console/statistics',
      {
        schema: {
          ...pageSchema('Staff console: monthly exchange requests per client agency and data product, allowed and refused (operator, auditors)', { errors: [400, 403] }),
          querystring: StatsQuery,
        },
      },
      async (request, reply) => {
        const principal = request.principal;
        if (!principal) return redirectToSignIn(request, reply);
        const locale = request.locale;
        if (principal.role !== 'operator' && principal.role !== 'auditor') throw new AppError('FORBIDDEN', t(locale, messages.statsOnly));
        const month = request.query.month ?? currentMonth();
        const [statistics, { members }] = await Promise.all([exchange.statistics(month), names()]);
        // Per client agency × product, over the agency's subsystems.
        const rows = new Map<string, { agency: string; productId: string; systems: Set<string>; allowed: number; denied: number }>();
        for (const row of statistics.rows) {
          const key = `${row.clientAgency}\u0000${row.productId}`;
          const cell = rows.get(key) ?? { agency: row.clientAgency, productId: row.productId, systems: new Set<string>(), allowed: 0, denied: 0 };
          cell.systems.add(row.clientSubsystem);
          cell.allowed += Number(row.allowed);
          cell.denied += Number(row.denied);
          rows.set(key, cell);
        }
        const cells = [...rows.values()].sort((a, b) => a.agency.localeCompare(b.agency) || a.productId.localeCompare(b.productId));
        const sum = (pick: (c: (typeof cells)[number]) => number) => cells.reduce((total, c) => total + pick(c), 0);
        const title = t(locale, messages.statsTitle);
        const monthText = formatMonth(locale, month);
        return renderPage(request, reply, {
          title,
          body: html`<h1>${title}</h1>
<p>${t(locale, messages.statsLead)}</p>
<form method="get" action="/console/statistics" class="form" aria-labelledby="month-heading">
<h2 id="month-heading">${t(locale, messages.chooseMonth)}</h2>
<input type="hidden" name="lang" value="${locale}">
<div class="field"><label for="month">${t(locale, messages.month)}</label>
<select id="month" name="month">${monthChoices(month).map((m) => html`<option value="${m}"${m === month ? html` selected` : ''}>${formatMonth(locale, m)}</option>`)}</select></div>
<button type="submit" class="button">${t(locale, PERIOD_MESSAGES.show)}</button>
</form>
${
  cells.length === 0
    ? html`<p class="notice" id="statistics-empty">${t(locale, messages.statsEmpty)}</p>`
    : html`<table id="statistics">
<caption>${t(locale, messages.statsCaption, { month: monthText })}</caption>
<thead><tr><th scope="col">${t(locale, messages.agency)}</th><th scope="col">${t(locale, messages.product)}</th><th scope="col">${t(locale, messages.systems)}</th><th scope="col">${t(locale, messages.allowed)}</th><th scope="col">${t(locale, messages.denied)}</th><th scope="col">${t(locale, messages.total)}</th></tr></thead>
<tbody>${cells.map((c) => {
        const product = findDataProduct(c.productId);
        return html`<tr><th scope="row">${members.get(c.agency)?.[locale] ?? c.agency} <span class="hint">(${c.agency})</span></th><td>${product ? html`${product.title[locale]}<br>` : ''}<code>${c.productId}</code></td><td>${[...c.systems].map((s, i) => html`${i > 0 ? html`<br>` : ''}<code>${s}</code>`)}</td><td>${c.allowed}</td><td>${c.denied}</td><td>${c.allowed + c.denied}</td></tr>`;
      })}</tbody>
<tfoot><tr><th scope="row" colspan="3">${t(locale, messages.allTotal)}</th><td>${sum((c) => c.allowed)}</td><td>${sum((c) => c.denied)}</td><td>${sum((c) => c.allowed + c.denied)}</td></tr></tfoot>
</table>`
}`,
        });
      },
    );
  };
}
