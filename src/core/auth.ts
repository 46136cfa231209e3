// Who is calling, and may they: the principal behind a request (resolved from the session cookie
// by the identity module's session store), role checks, and CSRF protection for every
// state-changing request. Cookies are HttpOnly and SameSite; CSRF uses a per-browser token that
// forms carry as `_csrf` and scripts as the `x-csrf-token` header.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditActor } from './audit';
import { AppError } from './errors';
import type { Message } from './i18n';

export const ROLES = ['resident', 'official', 'operator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  accountId: string;
  sessionId: string;
  role: Role;
  /** The resident this account belongs to (residents only). */
  residentId: number | null;
  /** The agency an official acts for (officials only). */
  agencyCode: string | null;
  displayName: Message;
}

export interface SessionStore {
  resolve(sessionToken: string): Promise<Principal | null>;
}

export const SESSION_COOKIE = 'og_session';
export const CSRF_COOKIE = 'og_csrf';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    csrfToken: string;
  }
  interface FastifyContextConfig {
    /** false for the few endpoints protected another way (e.g. the authenticator callback's state). */
    csrf?: boolean;
  }
}

export function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return { path: '/', httpOnly: true, secure, sameSite: 'lax' as const, ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}) };
}

export function registerAuth(app: FastifyInstance, options: { sessions: SessionStore; cookieSecure: boolean }): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('csrfToken', '');

  app.addHook('onRequest', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    request.principal = token ? await options.sessions.resolve(token) : null;
    const existing = request.cookies[CSRF_COOKIE];
    if (existing && /^[\w-]{32,64}$/.test(existing)) {
      request.csrfToken = existing;
    } else if (/^bearer /i.test(request.headers.authorization ?? '')) {
      // A caller with a bearer key (an outlet's till, a partner system) is not a browser: it sends
      // no cookies and posts no forms, so it gets no CSRF cookie (under load, setting one on every
      // sale was 3 % of the server thread, bench rationing).
    } else {
      request.csrfToken = randomBytes(24).toString('base64url');
      reply.setCookie(CSRF_COOKIE, request.csrfToken, cookieOptions(options.cookieSecure));
    }
  });

  app.addHook('preValidation', async (request) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return;
    // Unknown routes answer 404 whatever the token; only real handlers need protecting.
    if (request.is404 || request.routeOptions.config.csrf === false) return;
    const sent = (request.headers['x-csrf-token'] as string | undefined) ?? (request.body as { _csrf?: unknown } | undefined)?._csrf;
    const expected = request.cookies[CSRF_COOKIE];
    if (typeof sent !== 'string' || !expected || !safeEqual(sent, expected)) {
      throw new AppError('CSRF_TOKEN_INVALID', 'Reload the page and submit the form again.');
    }
  });
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The signed-in principal, or a 401 problem; with roles, a 403 problem for any other role. */
export function requirePrincipal(request: FastifyRequest, roles?: readonly Role[]): Principal {
  const principal = request.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  if (roles && !roles.includes(principal.role)) throw new AppError('FORBIDDEN');
  return principal;
}

/** For pages: a signed-out visitor is sent to sign in and brought back afterwards. */
export function redirectToSignIn(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(request.url)}`, 303);
}

export function actorOf(request: FastifyRequest): AuditActor {
  const principal = request.principal;
  if (!principal) return { id: 'anonymous', role: 'anonymous', org: null };
  return { id: principal.accountId, role: principal.role, org: principal.agencyCode };
}
