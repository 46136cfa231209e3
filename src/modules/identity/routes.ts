// Sign-in pages (authenticator chooser, the simulated providers' pages, the callback), sign-out,
// and the session and contact-details API.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, cookieOptions, requirePrincipal, SESSION_COOKIE } from '../../core/auth';
import { AppError } from '../../core/errors';
import { defineMessages, t } from '../../core/i18n';
import { LocaleQuery, pageSchema, problemResponses } from '../../core/schemas';
import { html } from '../../core/web/html';
import { renderPage } from '../../core/web/layout';
import type { RegistryService } from '../registry/service';
import { AUTHENTICATORS, type SimulatedAuthenticators } from './authenticators';
import { ContactDetailsSchema, ContactDetailsUpdate, SessionSchema } from './schema';
import { DEMO_STAFF, type IdentityService } from './service';

const SIGN_IN_STATE_COOKIE = 'og_signin_state';

const messages = defineMessages({
  signInTitle: { ko: '로그인', en: 'Sign in' },
  signInIntro: {
    ko: '사용하시는 인증서를 선택하세요. 선택한 인증기관이 본인을 확인한 뒤 OnceGov로 돌아옵니다.',
    en: 'Choose the certificate you use. The provider confirms who you are and sends you back to OnceGov.',
  },
  residents: { ko: '국민 (민간 인증서)', en: 'Residents (private certificates)' },
  staff: { ko: '공무원 (행정전자서명)', en: 'Government staff (GPKI)' },
  signInWith: { ko: '{name}(으)로 로그인', en: 'Sign in with {name}' },
  simulatedNotice: {
    ko: '모의 인증기관입니다. 실제 본인 확인 대신 시연용 합성 인물을 선택합니다.',
    en: 'This is a simulated authenticator. Instead of a real identity check, you choose a synthetic demo person.',
  },
  choosePerson: { ko: '시연용 인물', en: 'Demo person' },
  orResidentNumber: { ko: '또는 시연 주민 번호(1부터 시작하는 순번)', en: 'Or a demo resident number (1, 2, 3 …)' },
  orResidentNumberHint: { ko: '입력하면 위의 선택보다 우선합니다.', en: 'If given, it takes precedence over the choice above.' },
  confirm: { ko: '본인 확인', en: 'Confirm identity' },
  confirmedTitle: { ko: '본인 확인 완료', en: 'Identity confirmed' },
  confirmedText: { ko: '인증기관이 본인 확인을 마쳤습니다. OnceGov로 돌아가 로그인을 마치세요.', en: 'The provider has confirmed your identity. Return to OnceGov to finish signing in.' },
  continue: { ko: 'OnceGov로 계속', en: 'Continue to OnceGov' },
  'note-parent-of-newborn': { ko: '영아 부모', en: 'parent of a baby' },
  'note-disability': { ko: '장애 등록', en: 'registered disability' },
  'note-business-owner': { ko: '사업자', en: 'business owner' },
  'note-older-person': { ko: '어르신', en: 'older person' },
  'note-adult': { ko: '성인', en: 'adult' },
});

export function identityRoutes(deps: {
  identity: IdentityService;
  registry: RegistryService;
  authenticators: SimulatedAuthenticators;
  cookieSecure: boolean;
  sessionTtlMinutes: number;
}) {
  const { identity, registry, authenticators } = deps;
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/sign-in',
      { schema: { ...pageSchema('Sign-in: choose an authenticator'), querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 500 })), lang: LocaleQuery.properties.lang }) } },
      async (request, reply) => {
        const locale = request.locale;
        const returnTo = request.query.returnTo ?? '/me';
        const group = (audience: 'residents' | 'staff') =>
          AUTHENTICATORS.filter((a) => a.audience === audience).map(
            (a) => html`<li><form method="post" action="/sign-in/start">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<input type="hidden" name="authenticator" value="${a.id}">
<input type="hidden" name="returnTo" value="${returnTo}">
<button type="submit" class="button">${t(locale, messages.signInWith, { name: a.name[locale] })}</button>
</form></li>`,
          );
        return renderPage(request, reply, {
          title: t(locale, messages.signInTitle),
          body: html`<h1>${t(locale, messages.signInTitle)}</h1>
<p>${t(locale, messages.signInIntro)}</p>
<section aria-labelledby="residents-heading"><h2 id="residents-heading">${t(locale, messages.residents)}</h2>
<ul class="choice-list">${group('residents')}</ul></section>
<section aria-labelledby="staff-heading"><h2 id="staff-heading">${t(locale, messages.staff)}</h2>
<ul class="choice-list">${group('staff')}</ul></section>`,
        });
      },
    );

    app.post(
      '/sign-in/start',
      {
        schema: {
          ...pageSchema('Start signing in with the chosen authenticator (redirects to it)', { redirects: true, errors: [400, 403] }),
          body: Type.Object({
            authenticator: Type.String({ maxLength: 40 }),
            returnTo: Type.Optional(Type.String({ maxLength: 500 })),
            _csrf: Type.String({ maxLength: 100 }),
          }),
        },
      },
      async (request, reply) => {
        const { state, redirectTo } = await identity.startSignIn(request.body.authenticator, request.body.returnTo ?? '/me');
        reply.setCookie(SIGN_IN_STATE_COOKIE, state, cookieOptions(deps.cookieSecure, 600));
        return reply.redirect(redirectTo, 303);
      },
    );

    const AuthorizeQuery = Type.Object({
      state: Type.String({ minLength: 16, maxLength: 100 }),
      nonce: Type.String({ minLength: 16, maxLength: 100 }),
      redirect_uri: Type.Optional(Type.Literal('/sign-in/callback')),
      lang: LocaleQuery.properties.lang,
    });
    const AuthenticatorParam = Type.Object({ authenticator: Type.String({ maxLength: 40 }) });

    app.get(
      '/simulated-authenticators/:authenticator/authorize',
      { schema: { ...pageSchema('Simulated authenticator: choose a demo person (demo only)', { errors: [400, 404] }), params: AuthenticatorParam, querystring: AuthorizeQuery } },
      async (request, reply) => {
        const locale = request.locale;
        const authenticator = AUTHENTICATORS.find((a) => a.id === request.params.authenticator);
        if (!authenticator) throw new AppError('NOT_FOUND', 'Unknown authenticator');
        const people =
          authenticator.audience === 'staff'
            ? DEMO_STAFF.map((s) => ({ value: `staff:${s.staffId}`, label: s.name[locale] }))
            : (await registry.demoResidents()).map((r) => ({
                value: `resident:${r.id}`,
                label: `${locale === 'ko' ? r.name_ko : r.name_romanized} (${r.birth_date.slice(0, 4)}, ${t(locale, messages[`note-${r.note}` as keyof typeof messages] ?? messages['note-adult'])}) #${r.id}`,
              }));
        return renderPage(request, reply, {
          title: authenticator.name[locale],
          body: html`<h1>${authenticator.name[locale]}</h1>
<p class="notice">${t(locale, messages.simulatedNotice)}</p>
<form method="post" action="/simulated-authenticators/${authenticator.id}/authorize" class="form">
<input type="hidden" name="_csrf" value="${request.csrfToken}">
<input type="hidden" name="state" value="${request.query.state}">
<input type="hidden" name="nonce" value="${request.query.nonce}">
<div class="field"><label for="person">${t(locale, messages.choosePerson)}</label>
<select id="person" name="person">${people.map((p) => html`<option value="${p.value}">${p.label}</option>`)}</select></div>
${
  authenticator.audience === 'residents'
    ? html`<div class="field"><label for="residentNumber">${t(locale, messages.orResidentNumber)}</label>
<p class="hint" id="residentNumber-hint">${t(locale, messages.orResidentNumberHint)}</p>
<input id="residentNumber" name="residentNumber" inputmode="numeric" pattern="[0-9]*" aria-describedby="residentNumber-hint" autocomplete="off"></div>`
    : ''
}
<button type="submit" class="button">${t(locale, messages.confirm)}</button>
</form>`,
        });
      },
    );

    app.post(
      '/simulated-authenticators/:authenticator/authorize',
      {
        schema: {
          ...pageSchema('Simulated authenticator: confirm the person and hand back a signed assertion (demo only)', { errors: [400, 401, 403, 404] }),
          params: AuthenticatorParam,
          body: Type.Object({
            _csrf: Type.String({ maxLength: 100 }),
            state: Type.String({ minLength: 16, maxLength: 100 }),
            nonce: Type.String({ minLength: 16, maxLength: 100 }),
            person: Type.String({ pattern: '^(resident:\\d{1,12}|staff:[A-Z0-9-]{1,40})$' }),
            residentNumber: Type.Optional(Type.String({ pattern: '^\\d{0,12}$' })),
          }),
        },
      },
      async (request, reply) => {
        const locale = request.locale;
        const authenticator = AUTHENTICATORS.find((a) => a.id === request.params.authenticator);
        if (!authenticator) throw new AppError('NOT_FOUND', 'Unknown authenticator');
        const [kind, value] = request.body.person.split(':') as [string, string];
        let subject: { rrn?: string; staffId?: string };
        if (authenticator.audience === 'staff') {
          if (kind !== 'staff') throw new AppError('AUTHENTICATION_FAILED', 'GPKI certificates are for government staff.');
          subject = { staffId: value };
        } else {
          const residentId = Number(request.body.residentNumber || (kind === 'resident' ? value : NaN));
          const rrn = Number.isSafeInteger(residentId) ? await registry.rrnForSimulatedAuthenticator(residentId) : undefined;
          if (!rrn) {
            throw new AppError('AUTHENTICATION_FAILED', 'No demo resident with that number.', [
              { field: '/body/residentNumber', message: 'no such demo resident' },
            ]);
          }
          subject = { rrn };
        }
        const assertion = await authenticators.issueAssertion(authenticator.id, subject, request.body.nonce);
        return renderPage(request, reply, {
          title: t(locale, messages.confirmedTitle),
          body: html`<h1>${t(locale, messages.confirmedTitle)}</h1>
<p>${t(locale, messages.confirmedText)}</p>
<form method="post" action="/sign-in/callback">
<input type="hidden" name="state" value="${request.body.state}">
<input type="hidden" name="assertion" value="${assertion}">
<button type="submit" class="button">${t(locale, messages.continue)}</button>
</form>`,
        });
      },
    );

    app.post(
      '/sign-in/callback',
      {
        // Protected by the state bound to this browser's cookie instead of the CSRF token.
        config: { csrf: false },
        schema: {
          ...pageSchema('Finish signing in with the authenticator\'s signed assertion (audited)', { redirects: true, errors: [400, 401] }),
          body: Type.Object({
            state: Type.String({ minLength: 16, maxLength: 100 }),
            assertion: Type.String({ minLength: 20, maxLength: 4000 }),
          }),
        },
      },
      async (request, reply) => {
        const { sessionToken, returnTo } = await identity.completeSignIn({
          state: request.body.state,
          browserState: request.cookies[SIGN_IN_STATE_COOKIE],
          assertion: request.body.assertion,
          requestId: request.id,
        });
        reply.clearCookie(SIGN_IN_STATE_COOKIE, { path: '/' });
        reply.setCookie(SESSION_COOKIE, sessionToken, cookieOptions(deps.cookieSecure, deps.sessionTtlMinutes * 60));
        return reply.redirect(returnTo, 303);
      },
    );

    app.post(
      '/sign-out',
      { schema: { ...pageSchema('Sign out (audited)', { redirects: true, errors: [403] }), body: Type.Object({ _csrf: Type.String({ maxLength: 100 }) }) } },
      async (request, reply) => {
        const token = request.cookies[SESSION_COOKIE];
        if (token && request.principal) await identity.signOut(token, actorOf(request), request.id);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.redirect('/', 303);
      },
    );

    app.get(
      '/api/v1/session',
      { schema: { tags: ['identity'], summary: 'Who is signed in', response: { 200: SessionSchema } } },
      async (request) => {
        const p = request.principal;
        return p
          ? { authenticated: true, accountId: p.accountId, role: p.role, residentId: p.residentId, agencyCode: p.agencyCode, displayName: p.displayName, csrfToken: request.csrfToken }
          : { authenticated: false, csrfToken: request.csrfToken };
      },
    );

    app.get(
      '/api/v1/me/contact-details',
      {
        schema: {
          tags: ['identity'],
          summary: 'The signed-in person\'s contact details (audited)',
          response: { 200: ContactDetailsSchema, ...problemResponses(401) },
        },
      },
      async (request) => identity.contactDetails(requirePrincipal(request), actorOf(request), request.id),
    );

    app.put(
      '/api/v1/me/contact-details',
      {
        schema: {
          tags: ['identity'],
          summary: 'Change the signed-in person\'s contact details (audited; needs the x-csrf-token header)',
          body: ContactDetailsUpdate,
          response: { 200: ContactDetailsSchema, ...problemResponses(400, 401, 403, 413, 415) },
        },
      },
      async (request) =>
        identity.updateContactDetails(requirePrincipal(request), actorOf(request), request.id, {
          email: request.body.email ?? null,
          phone: request.body.phone ?? null,
        }),
    );
  };
}
