// Platform operations: liveness and readiness, the OpenAPI document and its browsable docs, the
// problem-type pages that error responses link to, the stylesheet, and the audit-chain
// verification API for operators and auditors.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuditLog } from '../../core/audit';
import { actorOf, requirePrincipal } from '../../core/auth';
import type { Pool } from '../../core/db';
import { AppError, codeFromProblemSlug, ERROR_CATALOGUE, problemTypeUri, type ErrorCode } from '../../core/errors';
import { defineMessages, t } from '../../core/i18n';
import { pendingMigrations } from '../../core/migrate';
import { LocaleQuery, pageSchema, problemResponses } from '../../core/schemas';
import { html } from '../../core/web/html';
import { renderPage } from '../../core/web/layout';
import { STYLESHEET } from '../../core/web/stylesheet';

const messages = defineMessages({
  docsTitle: { ko: 'API 문서', en: 'API documentation' },
  docsLead: {
    ko: 'OnceGov의 모든 API는 아래에 나열되어 있습니다. 기계가 읽을 수 있는 OpenAPI 3.1 문서: ',
    en: 'Every OnceGov API is listed below. Machine-readable OpenAPI 3.1 document: ',
  },
  errorsLead: { ko: '오류는 RFC 9457 problem+json 형식이며 고정된 코드를 가집니다.', en: 'Errors are RFC 9457 problem+json with a stable code.' },
  errorCodes: { ko: '오류 코드', en: 'Error codes' },
  operation: { ko: '기능', en: 'Operation' },
  responses: { ko: '응답', en: 'Responses' },
  parameters: { ko: '매개변수', en: 'Parameters' },
  problemTitle: { ko: '오류 유형: {code}', en: 'Problem type: {code}' },
  status: { ko: 'HTTP 상태', en: 'HTTP status' },
});

const AuditReport = Type.Object(
  {
    ok: Type.Boolean(),
    checked: Type.Integer(),
    firstBrokenPosition: Type.Union([Type.Integer(), Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
    seals: Type.Integer(),
    headHash: Type.String(),
    unsealed: Type.Integer(),
    durationMs: Type.Integer(),
  },
  { $id: 'AuditVerificationReport' },
);

interface OpenApiOperation {
  summary?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string }>;
  requestBody?: unknown;
  responses?: Record<string, { description?: string }>;
}

export function operationsRoutes(deps: { pool: Pool; audit: AuditLog }) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/health',
      { schema: { tags: ['operations'], summary: 'Liveness: the process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
      async () => ({ status: 'ok' as const }),
    );

    app.get(
      '/ready',
      {
        schema: {
          tags: ['operations'],
          summary: 'Readiness: the database answers and every migration is applied',
          response: {
            200: Type.Object({ status: Type.Literal('ready'), database: Type.Literal('ok'), pendingMigrations: Type.Array(Type.String()) }),
            ...problemResponses(503),
          },
        },
      },
      async () => {
        let pending: string[];
        try {
          await deps.pool.query('SELECT 1');
          pending = await pendingMigrations(deps.pool);
        } catch {
          throw new AppError('SERVICE_UNAVAILABLE', 'The database is not reachable.');
        }
        if (pending.length > 0) throw new AppError('SERVICE_UNAVAILABLE', `Migrations not applied: ${pending.join(', ')}`);
        return { status: 'ready' as const, database: 'ok' as const, pendingMigrations: [] };
      },
    );

    fastify.get(
      '/openapi.json',
      { schema: { tags: ['operations'], summary: 'This OpenAPI 3.1 document', response: { 200: { description: 'OpenAPI 3.1 document', type: 'object', additionalProperties: true } } } },
      // Sent as text: the document is built once by @fastify/swagger, not by the route serializer.
      async (_request, reply) => reply.type('application/json').send(JSON.stringify(fastify.swagger())),
    );

    app.get('/docs', { schema: { ...pageSchema('Browsable API documentation'), querystring: LocaleQuery } }, async (request, reply) => {
      const locale = request.locale;
      const spec = fastify.swagger() as { info: { title: string; version: string }; paths: Record<string, Record<string, OpenApiOperation>> };
      const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
      );
      return renderPage(request, reply, {
        title: t(locale, messages.docsTitle),
        body: html`<h1>${t(locale, messages.docsTitle)}</h1>
<p>${t(locale, messages.docsLead)}<a href="/openapi.json">/openapi.json</a></p>
<p>${t(locale, messages.errorsLead)} <a href="#error-codes">${t(locale, messages.errorCodes)}</a></p>
${operations.map(
  ({ path, method, op }) => html`<section class="operation" aria-labelledby="${`op-${method}-${path}`.replace(/[^\w-]/g, '_')}">
<h2 id="${`op-${method}-${path}`.replace(/[^\w-]/g, '_')}"><code>${method} ${path}</code></h2>
<p>${op.summary ?? ''}</p>
${
  op.parameters?.length
    ? html`<h3>${t(locale, messages.parameters)}</h3><ul>${op.parameters.map(
        (p) => html`<li><code>${p.name}</code> (${p.in}${p.required ? ', required' : ''}) ${p.description ?? ''}</li>`,
      )}</ul>`
    : ''
}
<h3>${t(locale, messages.responses)}</h3>
<ul>${Object.entries(op.responses ?? {}).map(([status, r]) => html`<li><code>${status}</code> ${r.description ?? ''}</li>`)}</ul>
</section>`,
)}
<h2 id="error-codes">${t(locale, messages.errorCodes)}</h2>
<ul>${(Object.keys(ERROR_CATALOGUE) as ErrorCode[]).map(
  (code) => html`<li><a href="${problemTypeUri(code)}"><code>${code}</code></a> (${ERROR_CATALOGUE[code].status}) ${ERROR_CATALOGUE[code].title[locale]}</li>`,
)}</ul>`,
      });
    });

    app.get(
      '/problems/:slug',
      { schema: { ...pageSchema('What an error code means', { errors: [404] }), params: Type.Object({ slug: Type.String({ maxLength: 60 }) }), querystring: LocaleQuery } },
      async (request, reply) => {
        const code = codeFromProblemSlug(request.params.slug);
        if (!code) throw new AppError('NOT_FOUND', 'No such problem type.');
        const locale = request.locale;
        const entry = ERROR_CATALOGUE[code];
        return renderPage(request, reply, {
          title: t(locale, messages.problemTitle, { code }),
          body: html`<h1>${t(locale, messages.problemTitle, { code })}</h1>
<p>${entry.title[locale]}</p>
<dl class="facts"><dt>${t(locale, messages.status)}</dt><dd>${entry.status}</dd></dl>`,
        });
      },
    );

    app.get(
      '/static/app.css',
      { schema: { tags: ['pages'], summary: 'The stylesheet', response: { 200: { description: 'CSS', content: { 'text/css': { schema: { type: 'string' } } } } } } },
      async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(STYLESHEET),
    );

    app.get(
      '/api/v1/audit/verification',
      {
        schema: {
          tags: ['audit'],
          summary: 'Walk the audit hash chain and report the first broken position (operators and auditors)',
          response: { 200: AuditReport, ...problemResponses(401, 403) },
        },
      },
      async (request) => {
        requirePrincipal(request, ['operator', 'auditor']);
        const report = await deps.audit.verify();
        await deps.audit.append(deps.pool, {
          actor: actorOf(request),
          action: 'audit.chain.verify',
          purpose: 'integrity check of the audit log',
          resource: 'audit/entries',
          outcome: 'allowed',
          requestId: request.id,
          details: { ok: report.ok, firstBrokenPosition: report.firstBrokenPosition, checked: report.checked },
        });
        return report;
      },
    );
  };
}
