// The operator's console page for exchange client credentials, /console/credentials: every
// credential (never a secret) with who issued it and, when revoked, who revoked it and why; a form
// to issue one for a consumer subsystem, whose secret is shown once on the answer page and never
// again; a form per credential to revoke it with a reason. Auditors see the list only. Issuing and
// revoking go through ExchangeService, which checks the role and audits.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, redirectToSignIn } from '../../core/auth';
import { AppError, type FieldProblem } from '../../core/errors';
import { defineMessages, formatDateTime, t } from '../../core/i18n';
import { pageSchema } from '../../core/schemas';
import { errorSummary } from '../../core/web/forms';
import { html } from '../../core/web/html';
import { renderPage } from '../../core/web/layout';
import type { DirectoryService } from '../directory';
import type { ExchangeService, IssuedCredential } from './service';

const messages = defineMessages({
  title: { ko: '정보공동이용 인증키 관리', en: 'Exchange credentials' },
  lead: {
    ko: '기관 시스템이 정보공동이용 API를 호출할 때 쓰는 인증키입니다. 비밀값은 발급할 때 한 번만 보여 주며 플랫폼은 해시만 보관합니다. 폐기한 인증키는 다음 요청부터 거부됩니다. 발급과 폐기는 모두 기록됩니다.',
    en: 'The credentials agency systems present when they call the exchange. A secret is shown once, when it is issued; the platform keeps only its hash. A revoked credential is refused from the next request on. Issuing and revoking are recorded.',
  },
  operatorOnly: { ko: '인증키는 플랫폼 운영자와 감사인만 볼 수 있습니다.', en: 'Only the platform operator and auditors can see exchange credentials.' },
  issueHeading: { ko: '인증키 발급', en: 'Issue a credential' },
  subsystem: { ko: '이용 시스템', en: 'Client system' },
  subsystemHint: { ko: '정보를 조회할 기관 시스템(이용 기관의 하위시스템)을 고르세요.', en: 'The agency system that will call the exchange (a consumer subsystem).' },
  issue: { ko: '발급', en: 'Issue' },
  issuedHeading: { ko: '인증키를 발급했습니다', en: 'Credential issued' },
  issuedWarning: {
    ko: '아래 비밀값은 지금 한 번만 표시됩니다. 해당 기관 시스템 담당자에게 안전한 경로로 전달하고 이 화면을 닫으세요.',
    en: 'The secret below is shown now and never again. Hand it to the system\'s administrators over a secure channel, then leave this page.',
  },
  secret: { ko: '비밀값', en: 'Secret' },
  listHeading: { ko: '발급된 인증키', en: 'Issued credentials' },
  caption: { ko: '인증키 {count}개 (최근 발급순)', en: '{count} credentials, newest first' },
  empty: { ko: '발급된 인증키가 없습니다.', en: 'No credentials have been issued.' },
  id: { ko: '인증키 ID', en: 'Credential' },
  issued: { ko: '발급', en: 'Issued' },
  status: { ko: '상태', en: 'Status' },
  active: { ko: '사용 중', en: 'Active' },
  revoked: { ko: '폐기됨', en: 'Revoked' },
  revokedBy: { ko: '{when}, {who}: {reason}', en: '{when} by {who}: {reason}' },
  revoke: { ko: '폐기', en: 'Revoke' },
  reason: { ko: '폐기 사유', en: 'Reason for revoking' },
  reasonHint: { ko: '예: 담당자 노트북 분실', en: 'e.g. the administrator\'s laptop was lost' },
  revokedNotice: { ko: '인증키 {id}를 폐기했습니다. 다음 요청부터 거부됩니다.', en: 'Credential {id} is revoked; it is refused from the next request on.' },
});

interface PageState {
  issued?: IssuedCredential;
  revokedId?: string;
  errors?: FieldProblem[];
  /** The credential whose revoke form has the error. */
  errorFor?: string;
  status?: number;
}

export function credentialsConsole(deps: { exchange: ExchangeService; directory: DirectoryService }) {
  const { exchange, directory } = deps;
  const contextOf = (request: FastifyRequest) => ({ principal: request.principal, actor: actorOf(request), requestId: request.id });

  async function render(request: FastifyRequest, reply: FastifyReply, state: PageState = {}): Promise<FastifyReply> {
    const principal = request.principal!;
    const locale = request.locale;
    if (principal.role !== 'operator' && principal.role !== 'auditor') throw new AppError('FORBIDDEN', t(locale, messages.operatorOnly));
    const [credentials, subsystems] = await Promise.all([exchange.listCredentials(contextOf(request)), directory.listSubsystems()]);
    const names = new Map(subsystems.map((s) => [s.id, s.name[locale]]));
    const consumers = subsystems.filter((s) => s.role !== 'provider');
    const operator = principal.role === 'operator';
    const title = t(locale, messages.title);
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title,
      status: state.status,
      body: html`<h1>${title}</h1>
${errorSummary(locale, (state.errors ?? []).map((e) => ({ target: `reason-${state.errorFor ?? ''}`, message: e.message })))}
<p>${t(locale, messages.lead)}</p>
${
  state.issued
    ? html`<section class="notice" id="issued" aria-labelledby="issued-heading"><h2 id="issued-heading">${t(locale, messages.issuedHeading)}</h2>
<p><strong>${t(locale, messages.issuedWarning)}</strong></p>
<dl><dt>${t(locale, messages.id)}</dt><dd><code>${state.issued.id}</code></dd>
<dt>${t(locale, messages.subsystem)}</dt><dd>${names.get(state.issued.subsystemId) ?? ''} <code>${state.issued.subsystemId}</code></dd>
<dt>${t(locale, messages.secret)}</dt><dd><code id="issued-secret">${state.issued.secret}</code></dd></dl></section>`
    : ''
}
${state.revokedId ? html`<p class="notice" role="status" id="revoked-notice">${t(locale, messages.revokedNotice, { id: state.revokedId })}</p>` : ''}
${
  operator
    ? html`<form method="post" action="/console/credentials" class="form" aria-labelledby="issue-heading">
<h2 id="issue-heading">${t(locale, messages.issueHeading)}</h2>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="field"><label for="subsystemId">${t(locale, messages.subsystem)}</label>
<p class="hint" id="subsystemId-hint">${t(locale, messages.subsystemHint)}</p>
<select id="subsystemId" name="subsystemId" aria-describedby="subsystemId-hint">${consumers.map((s) => html`<option value="${s.id}">${s.name[locale]} (${s.id})</option>`)}</select></div>
<button type="submit" class="button">${t(locale, messages.issue)}</button>
</form>`
    : ''
}
<h2 id="list-heading">${t(locale, messages.listHeading)}</h2>
${
  credentials.length === 0
    ? html`<p class="notice">${t(locale, messages.empty)}</p>`
    : html`<table id="credentials" aria-describedby="list-heading">
<caption>${t(locale, messages.caption, { count: credentials.length })}</caption>
<thead><tr><th scope="col">${t(locale, messages.id)}</th><th scope="col">${t(locale, messages.subsystem)}</th><th scope="col">${t(locale, messages.issued)}</th><th scope="col">${t(locale, messages.status)}</th></tr></thead>
<tbody>${credentials.map(
        (c) => html`<tr><th scope="row"><code>${c.id}</code></th><td>${names.get(c.subsystemId) ?? ''}<br><code>${c.subsystemId}</code></td><td>${formatDateTime(locale, new Date(c.issuedAt))}<br><span class="hint">${c.issuedBy}</span></td>
<td>${
          c.revokedAt
            ? html`<strong>${t(locale, messages.revoked)}</strong><br>${t(locale, messages.revokedBy, { when: formatDateTime(locale, new Date(c.revokedAt)), who: c.revokedBy ?? '', reason: c.revocationReason ?? '' })}`
            : operator
              ? html`${t(locale, messages.active)}
<form method="post" action="/console/credentials/${c.id}/revoke" class="form inline">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="field"><label for="reason-${c.id}">${t(locale, messages.reason)}</label>
<p class="hint" id="reason-${c.id}-hint">${t(locale, messages.reasonHint)}</p>
<input type="text" id="reason-${c.id}" name="reason" maxlength="500" required aria-describedby="reason-${c.id}-hint"${state.errorFor === c.id ? html` aria-invalid="true"` : ''}></div>
<button type="submit" class="button secondary">${t(locale, messages.revoke)} <span class="visually-hidden">${c.id}</span></button>
</form>`
              : t(locale, messages.active)
        }</td></tr>`,
      )}</tbody></table>`
}`,
    });
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/console/credentials',
      {
        schema: {
          ...pageSchema('Staff console: exchange client credentials, issue and revoke (operator; auditors read only)', { errors: [403] }),
          querystring: Type.Object({ revoked: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: true }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const revoked = request.query.revoked;
        return render(request, reply, { revokedId: revoked && /^CRED-[A-Za-z0-9-]{1,60}$/.test(revoked) ? revoked : undefined });
      },
    );

    app.post(
      '/console/credentials',
      {
        schema: {
          ...pageSchema('Staff console: issue a credential; the answer page shows its secret once (operator; audited)', { errors: [400, 403, 404] }),
          body: Type.Object({ _csrf: Type.String({ maxLength: 100 }), subsystemId: Type.String({ maxLength: 263 }) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const issued = await exchange.issueCredential(contextOf(request), request.body.subsystemId);
        return render(request, reply, { issued, status: 201 });
      },
    );

    app.post(
      '/console/credentials/:id/revoke',
      {
        schema: {
          ...pageSchema('Staff console: revoke a credential with a reason (operator; audited)', { redirects: true, errors: [400, 403, 404, 409] }),
          params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
          body: Type.Object({ _csrf: Type.String({ maxLength: 100 }), reason: Type.Optional(Type.String({ maxLength: 500 })) }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const { id } = request.params;
        try {
          await exchange.revokeCredential(contextOf(request), id, request.body.reason ?? '');
        } catch (error) {
          if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
            const message = request.locale === 'ko' ? '폐기 사유를 입력해 주세요(500자 이내).' : 'Enter why the credential is revoked (up to 500 characters).';
            return render(request, reply, { errors: [{ field: '/body/reason', message }], errorFor: id, status: 400 });
          }
          throw error;
        }
        return reply.redirect(`/console/credentials?revoked=${encodeURIComponent(id)}`, 303);
      },
    );
  };
}
