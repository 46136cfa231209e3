// A demo relying party (Hangyeol Bank, synthetic) served by the same server under /demo-rp: it
// signs a resident in through OnceGov with `openid-client` (authorization code + PKCE, a
// confidential client registered at start-up) and shows the claims it received, then signs out
// through RP-initiated logout. It talks to the provider in-process (injectFetch), exactly as an
// external site would over HTTPS. Its own state (PKCE verifier, state, nonce; then the claims)
// is kept in HttpOnly cookies scoped to /demo-rp.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import * as client from 'openid-client';
import { defineMessages, t } from '../../core/i18n';
import { pageSchema } from '../../core/schemas';
import { html } from '../../core/web/html';
import { renderPage } from '../../core/web/layout';
import { injectFetch } from './inject-fetch';
import { SCOPE_LABELS, SCOPES, type Scope } from './scopes';

const FLOW_COOKIE = 'demo_rp_flow';
const SESSION_COOKIE = 'demo_rp_session';
const DEFAULT_SCOPES: Scope[] = ['openid', 'profile', 'birthdate'];

const messages = defineMessages({
  title: { ko: '한결은행 (시연용 협력 서비스)', en: 'Hangyeol Bank (demo partner service)' },
  lead: {
    ko: '이 페이지는 OnceGov로 로그인하는 다른 기관·기업 사이트를 흉내 낸 시연용 사이트입니다. 아래에서 받을 정보를 고른 뒤 "OnceGov로 로그인"을 누르세요.',
    en: 'This page plays a partner site that lets you sign in with OnceGov. Choose what it asks for below, then press "Sign in with OnceGov".',
  },
  scopes: { ko: '요청할 정보', en: 'Information to ask for' },
  signIn: { ko: 'OnceGov로 로그인', en: 'Sign in with OnceGov' },
  signedIn: { ko: 'OnceGov로 로그인했습니다. 은행이 받은 정보:', en: 'Signed in with OnceGov. What the bank received:' },
  claim: { ko: '항목', en: 'Claim' },
  value: { ko: '값', en: 'Value' },
  caption: { ko: 'ID 토큰의 클레임 (서명 확인 완료)', en: 'Claims in the ID token (signature verified)' },
  signOut: { ko: '은행과 OnceGov에서 로그아웃', en: 'Sign out of the bank and OnceGov' },
  denied: { ko: 'OnceGov에서 정보 제공에 동의하지 않아 은행은 아무 정보도 받지 못했습니다.', en: 'You denied sharing your information on OnceGov, so the bank received nothing.' },
  failed: { ko: '로그인하지 못했습니다: {reason}', en: 'Signing in failed: {reason}' },
  flowLost: { ko: '로그인 진행 정보가 없습니다. 다시 시도하세요.', en: 'The sign-in in progress was lost. Please try again.' },
});

interface Flow {
  verifier: string;
  state: string;
  nonce: string;
}

/** A structured claim (the address) as one line per member. */
function claimValue(value: unknown) {
  if (value === null || typeof value !== 'object') return String(value);
  return Object.entries(value as Record<string, unknown>).map(([key, member]) => html`<code>${key}</code>: ${String(member)}<br>`);
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode<T>(value: string | undefined): T | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export function demoRelyingParty(deps: { issuer: string; publicBaseUrl: string; clientId: string; clientSecret: string; cookieSecure: boolean }) {
  const base = deps.publicBaseUrl.replace(/\/$/, '');
  const redirectUri = `${base}/demo-rp/callback`;
  const cookie = (maxAge?: number) => ({ path: '/demo-rp', httpOnly: true, secure: deps.cookieSecure, sameSite: 'lax' as const, ...(maxAge !== undefined ? { maxAge } : {}) });

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    let configuration: Promise<client.Configuration> | undefined;
    const config = () => {
      configuration ??= client
        .discovery(new URL(deps.issuer), deps.clientId, undefined, client.ClientSecretBasic(deps.clientSecret), {
          [client.customFetch]: injectFetch(fastify),
          execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
        })
        .catch((error: unknown) => {
          configuration = undefined;
          throw error;
        });
      return configuration;
    };

    async function page(request: FastifyRequest, reply: FastifyReply, notice?: string) {
      const locale = request.locale;
      const session = decode<{ claims: Record<string, unknown> }>(request.cookies[SESSION_COOKIE]);
      const title = t(locale, messages.title);
      return renderPage(request, reply, {
        title,
        body: html`<h1>${title}</h1>
<p>${t(locale, messages.lead)}</p>
${notice ? html`<p class="notice" role="status" id="demo-rp-notice">${notice}</p>` : ''}
${
  session
    ? html`<p>${t(locale, messages.signedIn)}</p>
<table id="claims"><caption>${t(locale, messages.caption)}</caption>
<thead><tr><th scope="col">${t(locale, messages.claim)}</th><th scope="col">${t(locale, messages.value)}</th></tr></thead>
<tbody>${Object.entries(session.claims).map(([name, value]) => html`<tr><th scope="row"><code>${name}</code></th><td>${claimValue(value)}</td></tr>`)}</tbody></table>
<form method="post" action="/demo-rp/logout"><input type="hidden" name="_csrf" value="${request.csrfToken}"><button type="submit" class="button secondary">${t(locale, messages.signOut)}</button></form>`
    : html`<form method="get" action="/demo-rp/login" class="form"><fieldset><legend>${t(locale, messages.scopes)}</legend>
${SCOPES.filter((s) => s !== 'openid').map(
  (scope) => html`<div class="checkbox"><input type="checkbox" id="scope-${scope}" name="scope" value="${scope}"${DEFAULT_SCOPES.includes(scope) ? html` checked` : ''}>
<label for="scope-${scope}">${t(locale, SCOPE_LABELS[scope].attribute)} <code>${scope}</code></label></div>`,
)}</fieldset>
<button type="submit" class="button">${t(locale, messages.signIn)}</button></form>`
}`,
      });
    }

    app.get('/demo-rp', { schema: pageSchema('Demo relying party (a partner bank) that signs residents in with OnceGov') }, async (request, reply) => page(request, reply));

    app.get(
      '/demo-rp/login',
      {
        schema: {
          ...pageSchema('Demo relying party: start signing in with OnceGov (redirects to the authorization endpoint)', { redirects: true }),
          querystring: Type.Object({ scope: Type.Optional(Type.Array(Type.Union(SCOPES.map((s) => Type.Literal(s))), { maxItems: SCOPES.length })) }),
        },
      },
      async (request, reply) => {
        const scopes = new Set<string>(['openid', ...(request.query.scope ?? DEFAULT_SCOPES)]);
        const flow: Flow = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
        const authorizationUrl = client.buildAuthorizationUrl(await config(), {
          redirect_uri: redirectUri,
          scope: SCOPES.filter((s) => scopes.has(s)).join(' '),
          code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
          code_challenge_method: 'S256',
          state: flow.state,
          nonce: flow.nonce,
          ui_locales: request.locale,
        });
        reply.setCookie(FLOW_COOKIE, encode(flow), cookie(600));
        return reply.redirect(authorizationUrl.href, 303);
      },
    );

    app.get(
      '/demo-rp/callback',
      { schema: { ...pageSchema('Demo relying party: the redirect back from OnceGov (code exchanged with PKCE, ID token verified)', { redirects: true }), querystring: Type.Object({}, { additionalProperties: true }) } },
      async (request, reply) => {
        const locale = request.locale;
        const query = request.query as Record<string, string | undefined>;
        if (query.error === 'access_denied') return page(request, reply, t(locale, messages.denied));
        const flow = decode<Flow>(request.cookies[FLOW_COOKIE]);
        if (!flow) return page(request, reply, t(locale, messages.flowLost));
        reply.clearCookie(FLOW_COOKIE, cookie());
        try {
          const tokens = await client.authorizationCodeGrant(await config(), new URL(`${base}${request.url}`), {
            pkceCodeVerifier: flow.verifier,
            expectedState: flow.state,
            expectedNonce: flow.nonce,
            idTokenExpected: true,
          });
          const claims = { ...tokens.claims() } as Record<string, unknown>;
          reply.setCookie(SESSION_COOKIE, encode({ claims, idToken: tokens.id_token }), cookie(3600));
          return reply.redirect('/demo-rp', 303);
        } catch (error) {
          return page(request, reply, t(locale, messages.failed, { reason: error instanceof Error ? error.message : 'unknown' }));
        }
      },
    );

    app.post(
      '/demo-rp/logout',
      { schema: { ...pageSchema('Demo relying party: sign out here and at OnceGov (RP-initiated logout)', { redirects: true }), body: Type.Object({ _csrf: Type.String({ maxLength: 100 }) }) } },
      async (request, reply) => {
        const session = decode<{ idToken?: string }>(request.cookies[SESSION_COOKIE]);
        reply.clearCookie(SESSION_COOKIE, cookie());
        const endSession = client.buildEndSessionUrl(await config(), {
          post_logout_redirect_uri: `${base}/demo-rp`,
          ...(session?.idToken ? { id_token_hint: session.idToken } : { client_id: deps.clientId }),
        });
        return reply.redirect(endSession.href, 303);
      },
    );
  };
}
