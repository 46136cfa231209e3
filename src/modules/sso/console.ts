// The operator's console page for single sign-on, /console/sso-clients: the registered relying
// parties, a form to register one (a confidential client's secret shown once on the answer
// page), and the ID-token signing keys with a button to rotate them. Auditors see the lists only.
// Registration and rotation go through SsoService, which checks the role and audits.
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
import { CLIENT_KINDS, type ClientRegistration, type SsoClient } from './clients';
import { SCOPE_LABELS, SCOPES } from './scopes';
import type { SsoService } from './service';

const messages = defineMessages({
  title: { ko: '통합 로그인 이용 기관 관리', en: 'Single sign-on clients' },
  lead: {
    ko: 'OnceGov 로그인을 쓰는 기관과 협력 채널(OpenID Connect 클라이언트)입니다. 비밀값은 등록할 때 한 번만 보여 주며 플랫폼은 해시만 보관합니다. 등록과 서명 키 교체는 모두 기록됩니다.',
    en: 'The agencies and partner channels (OpenID Connect clients) that use the OnceGov sign-in. A secret is shown once, at registration; the platform keeps only its hash. Registrations and key rotations are recorded.',
  },
  operatorOnly: { ko: '플랫폼 운영자와 감사인만 볼 수 있습니다.', en: 'Only the platform operator and auditors can see this page.' },
  registerHeading: { ko: '이용 기관 등록', en: 'Register a client' },
  clientId: { ko: '클라이언트 ID', en: 'Client ID' },
  clientIdHint: { ko: '영문 소문자, 숫자, 점, 하이픈, 밑줄 3~63자. 예: mohw-welfare-portal', en: '3 to 63 lowercase letters, digits, dots, dashes or underscores, e.g. mohw-welfare-portal' },
  nameKo: { ko: '이름(한국어)', en: 'Name (Korean)' },
  nameEn: { ko: '이름(영어)', en: 'Name (English)' },
  kind: { ko: '종류', en: 'Kind' },
  agency: { ko: '행정기관', en: 'Government agency' },
  partner: { ko: '민간 협력 채널', en: 'Partner channel' },
  redirectUris: { ko: '리디렉트 URI (한 줄에 하나)', en: 'Redirect URIs (one per line)' },
  redirectUrisHint: { ko: 'https 주소(로컬 시험은 http://localhost)만, 정확히 일치해야 합니다.', en: 'https addresses (http://localhost for local tests), matched exactly.' },
  postLogout: { ko: '로그아웃 후 돌아갈 URI (한 줄에 하나, 선택)', en: 'Post-logout redirect URIs (one per line, optional)' },
  scopes: { ko: '받을 수 있는 정보(범위)', en: 'Information it may ask for (scopes)' },
  type: { ko: '클라이언트 유형', en: 'Client type' },
  confidential: { ko: '서버 보관 비밀값 사용(기밀 클라이언트)', en: 'Keeps a secret on its server (confidential client)' },
  public: { ko: '비밀값 없음, PKCE만 사용(공개 클라이언트: 앱)', en: 'No secret, PKCE only (public client: apps)' },
  register: { ko: '등록', en: 'Register' },
  registeredHeading: { ko: '이용 기관을 등록했습니다', en: 'Client registered' },
  secretWarning: {
    ko: '아래 비밀값은 지금 한 번만 표시됩니다. 해당 기관 담당자에게 안전한 경로로 전달하세요.',
    en: 'The secret below is shown now and never again. Hand it to the client\'s administrators over a secure channel.',
  },
  secret: { ko: '비밀값', en: 'Client secret' },
  listHeading: { ko: '등록된 이용 기관', en: 'Registered clients' },
  caption: { ko: '이용 기관 {count}곳 (최근 등록순)', en: '{count} clients, newest first' },
  empty: { ko: '등록된 이용 기관이 없습니다.', en: 'No clients are registered.' },
  registered: { ko: '등록', en: 'Registered' },
  keysHeading: { ko: 'ID 토큰 서명 키', en: 'ID-token signing keys' },
  keysLead: {
    ko: '교체하면 새 키로 서명하고, 이전 키는 폐기할 때까지 JWKS(/oidc/jwks)에 남아 이미 발급한 토큰을 계속 검증할 수 있습니다.',
    en: 'After a rotation the new key signs; the previous key stays in the JWKS (/oidc/jwks) until retired, so tokens already issued still verify.',
  },
  keyCaption: { ko: '서명 키 {count}개', en: '{count} signing keys' },
  kid: { ko: '키 ID', en: 'Key ID' },
  status: { ko: '상태', en: 'Status' },
  current: { ko: '서명 중', en: 'Signing' },
  previous: { ko: '검증용(이전 키)', en: 'Verification only (previous)' },
  retired: { ko: '폐기됨', en: 'Retired' },
  rotate: { ko: '서명 키 교체', en: 'Rotate the signing key' },
  rotated: { ko: '서명 키를 교체했습니다.', en: 'The signing key has been rotated.' },
});

type FormValues = Omit<ClientRegistration, 'redirectUris' | 'postLogoutRedirectUris'> & { redirectUris: string; postLogoutRedirectUris: string };

const EMPTY: FormValues = { clientId: '', nameKo: '', nameEn: '', kind: 'agency', redirectUris: '', postLogoutRedirectUris: '', scopes: ['openid', 'profile'], type: 'confidential' };

interface PageState {
  registered?: { client: SsoClient; clientSecret?: string };
  values?: FormValues;
  errors?: FieldProblem[];
  rotated?: boolean;
  status?: number;
}

/** A problem's pointer → the form control's id. */
function targetOf(problem: FieldProblem): string {
  const name = problem.field.replace(/^\/body\//, '').split('/')[0] ?? 'clientId';
  return name === 'scopes' ? 'scope-openid' : name;
}

const lines = (text: string) => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);

export function ssoConsole(sso: SsoService) {
  const contextOf = (request: FastifyRequest) => ({ principal: request.principal, actor: actorOf(request), requestId: request.id });

  async function render(request: FastifyRequest, reply: FastifyReply, state: PageState = {}): Promise<FastifyReply> {
    const principal = request.principal!;
    const locale = request.locale;
    if (principal.role !== 'operator' && principal.role !== 'auditor') throw new AppError('FORBIDDEN', t(locale, messages.operatorOnly));
    const [clients, keys] = await Promise.all([sso.listClients(contextOf(request)), sso.listKeys(contextOf(request))]);
    const operator = principal.role === 'operator';
    const values = state.values ?? EMPTY;
    const invalid = new Map<string, string>();
    for (const problem of state.errors ?? []) if (!invalid.has(targetOf(problem))) invalid.set(targetOf(problem), problem.message);
    const field = (id: string, label: string, control: (describedBy: string, invalidAttr: ReturnType<typeof html> | '') => ReturnType<typeof html>, hint?: string) => {
      const error = invalid.get(id);
      const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
      return html`<div class="field${error ? ' field-error' : ''}"><label for="${id}">${label}</label>
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
${error ? html`<p class="error-message" id="${id}-error">${error}</p>` : ''}
${control(describedBy, error ? html` aria-invalid="true"` : '')}</div>`;
    };
    const describe = (ids: string) => (ids ? html` aria-describedby="${ids}"` : '');
    const title = t(locale, messages.title);
    reply.header('cache-control', 'no-store');
    return renderPage(request, reply, {
      title,
      status: state.status,
      body: html`<h1>${title}</h1>
${errorSummary(locale, [...invalid].map(([target, message]) => ({ target, message: `${target}: ${message}` })))}
<p>${t(locale, messages.lead)}</p>
${
  state.registered
    ? html`<section class="notice" id="registered" aria-labelledby="registered-heading"><h2 id="registered-heading">${t(locale, messages.registeredHeading)}</h2>
${state.registered.clientSecret ? html`<p><strong>${t(locale, messages.secretWarning)}</strong></p>` : ''}
<dl><dt>${t(locale, messages.clientId)}</dt><dd><code id="registered-client-id">${state.registered.client.clientId}</code></dd>
${state.registered.clientSecret ? html`<dt>${t(locale, messages.secret)}</dt><dd><code id="registered-secret">${state.registered.clientSecret}</code></dd>` : ''}</dl></section>`
    : ''
}
${state.rotated ? html`<p class="notice" role="status" id="rotated-notice">${t(locale, messages.rotated)}</p>` : ''}
${
  operator
    ? html`<form method="post" action="/console/sso-clients" class="form" aria-labelledby="register-heading" novalidate>
<h2 id="register-heading">${t(locale, messages.registerHeading)}</h2>
<input type="hidden" name="_csrf" value="${request.csrfToken}">
${field('clientId', t(locale, messages.clientId), (d, i) => html`<input id="clientId" name="clientId" value="${values.clientId}" maxlength="63" autocomplete="off"${describe(d)}${i}>`, t(locale, messages.clientIdHint))}
${field('nameKo', t(locale, messages.nameKo), (d, i) => html`<input id="nameKo" name="nameKo" lang="ko" value="${values.nameKo}" maxlength="100"${describe(d)}${i}>`)}
${field('nameEn', t(locale, messages.nameEn), (d, i) => html`<input id="nameEn" name="nameEn" lang="en" value="${values.nameEn}" maxlength="100"${describe(d)}${i}>`)}
${field('kind', t(locale, messages.kind), (d, i) => html`<select id="kind" name="kind"${describe(d)}${i}>${CLIENT_KINDS.map((k) => html`<option value="${k}"${values.kind === k ? html` selected` : ''}>${t(locale, messages[k])}</option>`)}</select>`)}
${field('redirectUris', t(locale, messages.redirectUris), (d, i) => html`<textarea id="redirectUris" name="redirectUris" rows="3"${describe(d)}${i}>${values.redirectUris}</textarea>`, t(locale, messages.redirectUrisHint))}
${field('postLogoutRedirectUris', t(locale, messages.postLogout), (d, i) => html`<textarea id="postLogoutRedirectUris" name="postLogoutRedirectUris" rows="2"${describe(d)}${i}>${values.postLogoutRedirectUris}</textarea>`)}
<fieldset class="field${invalid.has('scope-openid') ? ' field-error' : ''}"><legend>${t(locale, messages.scopes)}</legend>
${invalid.has('scope-openid') ? html`<p class="error-message" id="scopes-error">${invalid.get('scope-openid')!}</p>` : ''}
${SCOPES.map(
  (scope) => html`<div class="checkbox"><input type="checkbox" id="scope-${scope}" name="scopes" value="${scope}"${values.scopes.includes(scope) ? html` checked` : ''}>
<label for="scope-${scope}"><code>${scope}</code>: ${t(locale, SCOPE_LABELS[scope].attribute)}</label></div>`,
)}</fieldset>
<fieldset class="field"><legend>${t(locale, messages.type)}</legend>
${(['confidential', 'public'] as const).map(
  (type) => html`<div class="radio"><input type="radio" id="type-${type}" name="type" value="${type}"${values.type === type ? html` checked` : ''}><label for="type-${type}">${t(locale, messages[type])}</label></div>`,
)}</fieldset>
<button type="submit" class="button">${t(locale, messages.register)}</button>
</form>`
    : ''
}
<h2 id="list-heading">${t(locale, messages.listHeading)}</h2>
${
  clients.length === 0
    ? html`<p class="notice">${t(locale, messages.empty)}</p>`
    : html`<table id="clients"><caption>${t(locale, messages.caption, { count: clients.length })}</caption>
<thead><tr><th scope="col">${t(locale, messages.clientId)}</th><th scope="col">${t(locale, messages.kind)}</th><th scope="col">${t(locale, messages.redirectUris)}</th><th scope="col">${t(locale, messages.scopes)}</th><th scope="col">${t(locale, messages.registered)}</th></tr></thead>
<tbody>${clients.map(
        (c) => html`<tr><th scope="row"><code>${c.clientId}</code><br>${c.name[locale]}</th><td>${t(locale, messages[c.kind])}<br>${t(locale, messages[c.type])}</td>
<td>${c.redirectUris.map((uri) => html`<code>${uri}</code><br>`)}</td><td>${c.scopes.join(' ')}</td><td>${formatDateTime(locale, new Date(c.createdAt))}<br><span class="hint">${c.createdBy}</span></td></tr>`,
      )}</tbody></table>`
}
<h2 id="keys-heading">${t(locale, messages.keysHeading)}</h2>
<p>${t(locale, messages.keysLead)}</p>
<table id="keys"><caption>${t(locale, messages.keyCaption, { count: keys.length })}</caption>
<thead><tr><th scope="col">${t(locale, messages.kid)}</th><th scope="col">${t(locale, messages.status)}</th><th scope="col">${t(locale, messages.registered)}</th></tr></thead>
<tbody>${keys.map(
        (k) => html`<tr><th scope="row"><code>${k.kid}</code></th><td>${t(locale, k.retiredAt ? messages.retired : k.current ? messages.current : messages.previous)}</td><td>${formatDateTime(locale, new Date(k.createdAt))}</td></tr>`,
      )}</tbody></table>
${
  operator
    ? html`<form method="post" action="/console/sso-clients/rotate-key"><input type="hidden" name="_csrf" value="${request.csrfToken}"><button type="submit" class="button secondary">${t(locale, messages.rotate)}</button></form>`
    : ''
}`,
    });
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/console/sso-clients',
      {
        schema: {
          ...pageSchema('Staff console: single sign-on clients and signing keys (operator; auditors read only)', { errors: [403] }),
          querystring: Type.Object({ rotated: Type.Optional(Type.String({ maxLength: 5 })) }, { additionalProperties: true }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        return render(request, reply, { rotated: request.query.rotated === '1' });
      },
    );

    app.post(
      '/console/sso-clients',
      {
        schema: {
          ...pageSchema('Staff console: register a single sign-on client; the answer page shows its secret once (operator; audited)', { errors: [400, 403, 409] }),
          body: Type.Object({
            _csrf: Type.String({ maxLength: 100 }),
            clientId: Type.String({ maxLength: 100 }),
            nameKo: Type.String({ maxLength: 100 }),
            nameEn: Type.String({ maxLength: 100 }),
            kind: Type.Union(CLIENT_KINDS.map((k) => Type.Literal(k))),
            redirectUris: Type.String({ maxLength: 5000 }),
            postLogoutRedirectUris: Type.Optional(Type.String({ maxLength: 5000 })),
            scopes: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10 })),
            type: Type.Union([Type.Literal('public'), Type.Literal('confidential')]),
          }),
        },
      },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        const body = request.body;
        const values: FormValues = { ...body, postLogoutRedirectUris: body.postLogoutRedirectUris ?? '', scopes: body.scopes ?? [] };
        try {
          const registered = await sso.registerClient(contextOf(request), {
            ...values,
            redirectUris: lines(values.redirectUris),
            postLogoutRedirectUris: lines(values.postLogoutRedirectUris),
          });
          return render(request, reply, { registered, status: 201 });
        } catch (error) {
          if (error instanceof AppError && (error.code === 'VALIDATION_FAILED' || error.code === 'CONFLICT') && error.errors?.length) {
            return render(request, reply, { values, errors: error.errors, status: error.status });
          }
          throw error;
        }
      },
    );

    app.post(
      '/console/sso-clients/rotate-key',
      { schema: { ...pageSchema('Staff console: rotate the ID-token signing key (operator; audited)', { redirects: true, errors: [403] }), body: Type.Object({ _csrf: Type.String({ maxLength: 100 }) }) } },
      async (request, reply) => {
        if (!request.principal) return redirectToSignIn(request, reply);
        await sso.rotateKey(contextOf(request));
        return reply.redirect('/console/sso-clients?rotated=1', 303);
      },
    );
  };
}
