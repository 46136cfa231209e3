// HTTP surface of single sign-on: the OpenID Connect provider mounted under /oidc (its own koa
// app reads the raw request, body included), the interaction pages (login through the platform
// session, the consent screen), the pages the provider draws (errors, logout) in the site's
// layout, and the operator's API for clients and signing keys.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { actorOf } from '../../core/auth';
import { defineMessages, t } from '../../core/i18n';
import { pageSchema, problemResponses } from '../../core/schemas';
import { html, raw } from '../../core/web/html';
import { renderPage, type PageOptions } from '../../core/web/layout';
import { CLIENT_ID_PATTERN, CLIENT_KINDS } from './clients';
import { SCOPE_LABELS, SCOPES } from './scopes';
import { accountIdOf, INTERACTION_PREFIX, OIDC_PREFIX, type InteractionView, type SsoService } from './service';

const messages = defineMessages({
  consentTitle: { ko: '{client}에 내 정보 제공', en: 'Share your information with {client}' },
  consentLead: {
    ko: '{client}(이)가 OnceGov 로그인으로 본인을 확인하고 아래 정보를 받으려고 합니다. 동의하면 이 정보만 전달되고, 동의하지 않으면 아무 정보도 전달되지 않습니다.',
    en: '{client} wants to confirm who you are with your OnceGov sign-in and receive the information below. If you allow it, only this information is sent; if you deny, nothing is sent.',
  },
  kindAgency: { ko: '행정기관', en: 'Government agency' },
  kindPartner: { ko: '민간 협력 채널', en: 'Partner channel' },
  clientFacts: { ko: '받는 곳', en: 'Recipient' },
  clientId: { ko: '서비스 ID', en: 'Service ID' },
  returnsTo: { ko: '이동할 주소', en: 'You will return to' },
  attributesHeading: { ko: '{client}(이)가 받을 정보', en: 'What {client} will receive' },
  allow: { ko: '동의하고 계속', en: 'Allow and continue' },
  deny: { ko: '동의하지 않음', en: 'Deny' },
  usageNote: {
    ko: '제공할 때마다 기록되며 "내 정보 이용 내역"에서 확인할 수 있습니다.',
    en: 'Every release is recorded; you can see them in "Who used my data".',
  },
  residentsOnlyTitle: { ko: '국민만 로그인할 수 있습니다', en: 'Only residents can sign in here' },
  residentsOnlyText: {
    ko: '다른 서비스에는 민간 인증서로 로그인한 국민만 OnceGov 계정으로 로그인할 수 있습니다. 로그아웃한 뒤 민간 인증서로 다시 로그인하세요.',
    en: 'Only residents signed in with a private certificate can use their OnceGov sign-in for other services. Sign out, then sign in again with a private certificate.',
  },
  signInAsResident: { ko: '국민으로 로그인', en: 'Sign in as a resident' },
  errorTitle: { ko: '로그인을 시작할 수 없습니다', en: 'Signing in could not start' },
  errorText: {
    ko: '로그인을 요청한 서비스의 요청이 올바르지 않습니다(등록되지 않은 서비스이거나 허용되지 않은 주소). 해당 서비스 운영자에게 알려 주세요.',
    en: 'The request from the service that sent you here is not valid (an unregistered service or an address it may not use). Please tell that service\'s operators.',
  },
  errorCode: { ko: '오류 코드', en: 'Error code' },
  logoutTitle: { ko: 'OnceGov에서 로그아웃할까요?', en: 'Sign out of OnceGov?' },
  logoutText: {
    ko: '로그아웃하면 OnceGov와 OnceGov로 로그인한 서비스에서 모두 로그아웃됩니다.',
    en: 'Signing out ends your OnceGov session and your sign-in to the services you entered with it.',
  },
  logoutYes: { ko: '예, 로그아웃', en: 'Yes, sign me out' },
  logoutNo: { ko: '아니요, 로그인 유지', en: 'No, stay signed in' },
  loggedOutTitle: { ko: '로그아웃했습니다', en: 'You are signed out' },
  loggedOutText: { ko: 'OnceGov에서 로그아웃했습니다.', en: 'You have signed out of OnceGov.' },
  home: { ko: '홈으로 가기', en: 'Go to the home page' },
});

type RawWithFastify = IncomingMessage & { originalUrl?: string; fastifyRequest?: FastifyRequest };

/** renderPage into a koa context: the provider's own pages share the site's layout and language. */
function renderInto(ctx: KoaContextWithOIDC, page: PageOptions): void {
  const request = (ctx.req as RawWithFastify).fastifyRequest;
  let body = '';
  const capture = {
    status() {
      return capture;
    },
    type() {
      return capture;
    },
    send(document: string) {
      body = document;
      return capture;
    },
  };
  if (request) renderPage(request, capture as unknown as FastifyReply, page);
  else body = `<!doctype html><title>${page.title}</title>${page.body.value}`;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body;
}

function providerPages(): Parameters<SsoService['usePages']>[0] {
  const localeOf = (ctx: KoaContextWithOIDC) => (ctx.req as RawWithFastify).fastifyRequest?.locale ?? 'ko';
  return {
    async error(ctx, out) {
      const locale = localeOf(ctx);
      renderInto(ctx, {
        title: t(locale, messages.errorTitle),
        body: html`<h1>${t(locale, messages.errorTitle)}</h1>
<p>${t(locale, messages.errorText)}</p>
<dl class="facts"><dt>${t(locale, messages.errorCode)}</dt><dd><code id="oidc-error">${out.error}</code></dd>
${out.error_description ? html`<dd lang="en" id="oidc-error-description">${out.error_description}</dd>` : ''}</dl>
<p><a href="/">${t(locale, messages.home)}</a></p>`,
      });
    },
    async logout(ctx, form) {
      const locale = localeOf(ctx);
      // The provider's form (its action and one-time xsrf value) with our buttons.
      renderInto(ctx, {
        title: t(locale, messages.logoutTitle),
        body: html`<h1>${t(locale, messages.logoutTitle)}</h1>
<p>${t(locale, messages.logoutText)}</p>
${raw(form)}
<div class="button-group"><button type="submit" class="button" form="op.logoutForm" name="logout" value="yes">${t(locale, messages.logoutYes)}</button>
<button type="submit" class="button secondary" form="op.logoutForm">${t(locale, messages.logoutNo)}</button></div>`,
      });
    },
    async loggedOut(ctx) {
      const locale = localeOf(ctx);
      renderInto(ctx, {
        title: t(locale, messages.loggedOutTitle),
        body: html`<h1>${t(locale, messages.loggedOutTitle)}</h1><p>${t(locale, messages.loggedOutText)}</p><p><a href="/">${t(locale, messages.home)}</a></p>`,
      });
    },
  };
}

/**
 * The provider under /oidc. Its own body parser reads POSTs, so this plugin (encapsulated) has a
 * content-type parser that leaves the body unread; the reply is hijacked and the raw request,
 * its URL relative to the mount point, goes to the provider's koa app.
 */
export function oidcMount(sso: SsoService) {
  sso.usePages(providerPages());
  return async function mount(fastify: FastifyInstance): Promise<void> {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const rawRequest = request.raw as RawWithFastify;
      rawRequest.originalUrl = rawRequest.url;
      rawRequest.url = rawRequest.url!.slice(OIDC_PREFIX.length) || '/';
      rawRequest.fastifyRequest = request;
      // The security headers the platform's hooks chose (no cookies: those are written on send).
      // form-action is left out: the form_post response mode posts to the relying party's origin.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value === undefined || name === 'set-cookie') continue;
        const header = name === 'content-security-policy' ? String(value).split(';').filter((d) => !d.trim().startsWith('form-action')).join(';') : value;
        reply.raw.setHeader(name, header as string);
      }
      try {
        await sso.handle(rawRequest, reply.raw);
      } catch (error) {
        request.log.error({ err: error }, 'OpenID provider failed');
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { 'content-type': 'application/problem+json' });
          reply.raw.end(JSON.stringify({ type: '/problems/internal-error', title: 'Something went wrong on our side', status: 500, code: 'INTERNAL_ERROR' }));
        }
      }
    };
    const options = { config: { csrf: false }, schema: { hide: true } };
    fastify.all(OIDC_PREFIX, options, handler);
    fastify.all(`${OIDC_PREFIX}/*`, options, handler);
  };
}

const UidParam = Type.Object({ uid: Type.String({ pattern: '^[A-Za-z0-9_-]{10,64}$' }) });

const ClientSchema = Type.Object(
  {
    clientId: Type.String(),
    name: Type.Object({ ko: Type.String(), en: Type.String() }),
    kind: Type.Union(CLIENT_KINDS.map((k) => Type.Literal(k))),
    redirectUris: Type.Array(Type.String()),
    postLogoutRedirectUris: Type.Array(Type.String()),
    scopes: Type.Array(Type.String()),
    type: Type.Union([Type.Literal('public'), Type.Literal('confidential')]),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'SsoClient', description: 'A relying party registered for single sign-on' },
);

export const ClientRegistrationSchema = Type.Object(
  {
    clientId: Type.String({ pattern: CLIENT_ID_PATTERN, description: 'The client_id the relying party presents' }),
    nameKo: Type.String({ minLength: 1, maxLength: 100 }),
    nameEn: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union(CLIENT_KINDS.map((k) => Type.Literal(k)), { description: 'agency: a government agency; partner: a partner channel' }),
    redirectUris: Type.Array(Type.String({ maxLength: 500 }), { minItems: 1, maxItems: 10, description: 'Exact redirect URIs (https; http only for localhost)' }),
    postLogoutRedirectUris: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 10 })),
    scopes: Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), { minItems: 1, maxItems: SCOPES.length, description: 'Scopes the client may ask for; must include openid' }),
    type: Type.Union([Type.Literal('public'), Type.Literal('confidential')], { description: 'public: PKCE only, no secret; confidential: a client secret (client_secret_basic), shown once' }),
  },
  { additionalProperties: false },
);

const KeySchema = Type.Object({
  kid: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  retiredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  current: Type.Boolean(),
});

const contextOf = (request: FastifyRequest) => ({ principal: request.principal, actor: actorOf(request), requestId: request.id });

function kindLabel(locale: 'ko' | 'en', kind: string): string {
  return t(locale, kind === 'agency' ? messages.kindAgency : messages.kindPartner);
}

function renderConsent(request: FastifyRequest, reply: FastifyReply, view: InteractionView): FastifyReply {
  const locale = request.locale;
  const client = view.client.name[locale];
  const returnOrigin = view.redirectUri ? new URL(view.redirectUri).origin : undefined;
  // The decision redirects on to the relying party: browsers apply form-action to that redirect.
  if (returnOrigin) {
    reply.header(
      'content-security-policy',
      `default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self' ${returnOrigin}`,
    );
  }
  reply.header('cache-control', 'no-store');
  return renderPage(request, reply, {
    title: t(locale, messages.consentTitle, { client }),
    body: html`<h1>${t(locale, messages.consentTitle, { client })}</h1>
<p>${t(locale, messages.consentLead, { client })}</p>
<dl class="facts" aria-label="${t(locale, messages.clientFacts)}">
<dt>${t(locale, messages.clientFacts)}</dt><dd>${client} (${kindLabel(locale, view.client.kind)})</dd>
<dt>${t(locale, messages.clientId)}</dt><dd><code>${view.client.clientId}</code></dd>
${returnOrigin ? html`<dt>${t(locale, messages.returnsTo)}</dt><dd><code>${returnOrigin}</code></dd>` : ''}
</dl>
<h2 id="attributes-heading">${t(locale, messages.attributesHeading, { client })}</h2>
<ul aria-labelledby="attributes-heading" id="attributes">${view.scopes.map(
      (scope) => html`<li data-scope="${scope}"><strong>${t(locale, SCOPE_LABELS[scope].attribute)}</strong><br><span class="hint">${t(locale, SCOPE_LABELS[scope].detail)}</span></li>`,
    )}</ul>
<p>${t(locale, messages.usageNote)}</p>
<form method="post" action="${INTERACTION_PREFIX}/${view.uid}/consent" class="form">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<div class="button-group"><button type="submit" class="button" name="decision" value="allow">${t(locale, messages.allow)}</button>
<button type="submit" class="button secondary" name="decision" value="deny">${t(locale, messages.deny)}</button></div>
</form>`,
  });
}

export function ssoRoutes(sso: SsoService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(ClientSchema);

    app.get(
      `${INTERACTION_PREFIX}/:uid`,
      { schema: { ...pageSchema('Single sign-on: the login step (platform session) and the consent screen', { errors: [403, 404] }), params: UidParam } },
      async (request, reply) => {
        const { uid } = request.params;
        const view = await sso.describeInteraction(request.raw, reply.raw, uid);
        const principal = request.principal;
        if (!principal) return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(`${INTERACTION_PREFIX}/${uid}`)}`, 303);
        if (principal.role !== 'resident' || principal.residentId === null) {
          const locale = request.locale;
          return renderPage(request, reply, {
            status: 403,
            title: t(locale, messages.residentsOnlyTitle),
            body: html`<h1>${t(locale, messages.residentsOnlyTitle)}</h1><p>${t(locale, messages.residentsOnlyText)}</p>
<p><a class="button" href="/sign-in?returnTo=${encodeURIComponent(`${INTERACTION_PREFIX}/${uid}`)}">${t(locale, messages.signInAsResident)}</a></p>`,
          });
        }
        if (view.prompt === 'login') return reply.redirect(await sso.completeLogin(request.raw, reply.raw, uid, contextOf(request)), 303);
        // Someone else signed in to the platform since: the relying party gets the person signed in now.
        if (view.accountId !== accountIdOf(principal.residentId)) return reply.redirect(await sso.switchAccount(request.raw, reply.raw, uid, principal.residentId), 303);
        return renderConsent(request, reply, view);
      },
    );

    app.post(
      `${INTERACTION_PREFIX}/:uid/consent`,
      {
        schema: {
          ...pageSchema('Single sign-on: allow or deny sharing the listed attributes (audited)', { redirects: true, errors: [400, 401, 403, 404, 409] }),
          params: UidParam,
          body: Type.Object({ _csrf: Type.String({ maxLength: 100 }), decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]) }),
        },
      },
      async (request, reply) => {
        const next = await sso.decideConsent(request.raw, reply.raw, request.params.uid, request.body.decision, contextOf(request));
        return reply.redirect(next, 303);
      },
    );

    app.post(
      '/api/v1/sso/clients',
      {
        schema: {
          tags: ['sso'],
          summary: 'Register a relying party for single sign-on (operator; audited). A confidential client\'s secret is in this answer only.',
          body: ClientRegistrationSchema,
          response: {
            201: Type.Object({ client: Type.Ref('SsoClient'), clientSecret: Type.Optional(Type.String()) }),
            ...problemResponses(400, 401, 403, 409, 415),
          },
        },
      },
      async (request, reply) => {
        const registered = await sso.registerClient(contextOf(request), request.body);
        reply.header('cache-control', 'no-store');
        return reply.status(201).send(registered);
      },
    );

    app.get(
      '/api/v1/sso/clients',
      { schema: { tags: ['sso'], summary: 'Registered relying parties (operator, auditor); never a secret', response: { 200: Type.Array(Type.Ref('SsoClient')), ...problemResponses(401, 403) } } },
      async (request) => sso.listClients(contextOf(request)),
    );

    app.get(
      '/api/v1/sso/keys',
      { schema: { tags: ['sso'], summary: 'ID-token signing keys, current and previous (operator, auditor); public keys are at /oidc/jwks', response: { 200: Type.Array(KeySchema), ...problemResponses(401, 403) } } },
      async (request) => sso.listKeys(contextOf(request)),
    );

    app.post(
      '/api/v1/sso/keys/rotate',
      {
        schema: {
          tags: ['sso'],
          summary: 'Rotate the ID-token signing key (operator; audited): a new key signs, the previous ones stay in the JWKS until retired',
          response: { 201: KeySchema, ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => reply.status(201).send(await sso.rotateKey(contextOf(request))),
    );

    app.post(
      '/api/v1/sso/keys/:kid/retire',
      {
        schema: {
          tags: ['sso'],
          summary: 'Retire a previous signing key (operator; audited): it leaves the JWKS; the current key cannot be retired',
          params: Type.Object({ kid: Type.String({ pattern: '^[A-Za-z0-9_-]{20,64}$' }) }),
          response: { 200: KeySchema, ...problemResponses(401, 403, 404, 409) },
        },
      },
      async (request) => sso.retireKey(contextOf(request), request.params.kid),
    );
  };
}
