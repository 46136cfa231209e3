// Single sign-on: OnceGov as an OpenID Connect provider (the certified `oidc-provider`, never a
// hand-written protocol). This service owns the provider instance (rebuilt when the signing keys
// change), the operator's client registrations and key rotation, the resident attributes a
// relying party receives (read through the registry's and identity's exported services, audited
// per release) and the interaction steps the routes drive (login from the platform session,
// consent with a Grant).
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWK } from 'jose';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AuditActor, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import type { Pool } from '../../core/db';
import { withTransaction } from '../../core/db';
import { AppError } from '../../core/errors';
import type { IdentityService } from '../identity/service';
import type { RegistryService } from '../registry/service';
import { postgresAdapter, purgeExpiredRecords } from './adapter';
import {
  findClient,
  findClientRow,
  hashSecret,
  insertClient,
  listClients,
  newClientSecret,
  secretMatches,
  toProviderMetadata,
  validateRegistration,
  type ClientRegistration,
  type SsoClient,
} from './clients';
import { ensureSigningKey, keysFingerprint, listSigningKeys, newSigningKey, providerJwks, type SigningKeyInfo } from './keys';
import { CLAIMS_BY_SCOPE, knownScopes, SCOPES, type Scope } from './scopes';

export const OIDC_PREFIX = '/oidc';
export const INTERACTION_PREFIX = '/sso/interaction';
export const DEMO_CLIENT_ID = 'demo-rp';
const KEY_CHECK_MS = 5_000;

export interface SsoContext {
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
}

/** Pages the provider itself renders (errors, logout), drawn by the routes in the site's layout. */
export interface ProviderPages {
  error(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): Promise<void>;
  logout(ctx: KoaContextWithOIDC, form: string): Promise<void>;
  loggedOut(ctx: KoaContextWithOIDC): Promise<void>;
}

export interface InteractionView {
  uid: string;
  prompt: 'login' | 'consent';
  client: SsoClient;
  /** Scopes the relying party asked for and may have (consent lists these). */
  scopes: Scope[];
  /** The OIDC session's account (consent only). */
  accountId: string | undefined;
  redirectUri: string | undefined;
}

export function accountIdOf(residentId: number): string {
  return `resident-${residentId}`;
}

function residentIdOf(accountId: string): number | undefined {
  const match = /^resident-(\d{1,15})$/.exec(accountId);
  return match ? Number(match[1]) : undefined;
}

const clientActor = (clientId: string): AuditActor => ({ id: `sso-client:${clientId}`, role: 'relying-party', org: null });

export class SsoService {
  private provider!: Provider;
  private fingerprint = '';
  private checkedAt = 0;
  private rebuilding: Promise<void> | undefined;
  private pages: ProviderPages | undefined;

  private constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly registry: RegistryService,
    private readonly identity: IdentityService,
    private readonly options: { publicBaseUrl: string; cookieKeys: string[]; pairwiseSalt: string; onError: (error: unknown) => void },
  ) {}

  static async open(deps: {
    pool: Pool;
    audit: AuditLog;
    registry: RegistryService;
    identity: IdentityService;
    publicBaseUrl: string;
    onError: (error: unknown) => void;
  }): Promise<SsoService> {
    const secrets = await withTransaction(deps.pool, async (tx) => {
      await ensureSigningKey(tx);
      for (const name of ['cookie-keys', 'pairwise-salt']) {
        await tx.query('INSERT INTO sso.secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32).toString('base64url')]);
      }
      const rows = (await tx.query<{ name: string; value: string }>("SELECT name, value FROM sso.secrets WHERE name IN ('cookie-keys', 'pairwise-salt')")).rows;
      return new Map(rows.map((row) => [row.name, row.value]));
    });
    const service = new SsoService(deps.pool, deps.audit, deps.registry, deps.identity, {
      publicBaseUrl: deps.publicBaseUrl,
      cookieKeys: [secrets.get('cookie-keys')!],
      pairwiseSalt: secrets.get('pairwise-salt')!,
      onError: deps.onError,
    });
    await service.rebuild();
    await service.purgeExpired();
    return service;
  }

  get issuer(): string {
    return `${this.options.publicBaseUrl.replace(/\/$/, '')}${OIDC_PREFIX}`;
  }

  /** The routes supply the page renderers once (they need the site's layout). */
  usePages(pages: ProviderPages): void {
    this.pages = pages;
  }

  /** Hands a request under /oidc to the provider (its path already stripped of the prefix). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The JWKS is always current: another process may already sign with a key rotated in
    // seconds ago. Everything else tolerates a few seconds (the previous key still verifies).
    await this.current(req.url?.startsWith('/jwks') ?? false);
    await this.provider.callback()(req, res);
  }

  /** The provider, rebuilt first when another process (or this one) rotated or retired keys. */
  private async current(fresh = false): Promise<Provider> {
    if (fresh || Date.now() - this.checkedAt > KEY_CHECK_MS) {
      this.checkedAt = Date.now();
      if ((await keysFingerprint(this.pool)) !== this.fingerprint) await this.rebuild();
    }
    return this.provider;
  }

  private async rebuild(): Promise<void> {
    this.rebuilding ??= (async () => {
      const { keys, fingerprint } = await providerJwks(this.pool);
      this.provider = this.buildProvider(keys);
      this.fingerprint = fingerprint;
      this.checkedAt = Date.now();
    })().finally(() => {
      this.rebuilding = undefined;
    });
    return this.rebuilding;
  }

  private buildProvider(keys: JWK[]): Provider {
    const pool = this.pool;
    const configuration: Configuration = {
      adapter: postgresAdapter(pool, async (clientId) => {
        const row = await findClientRow(pool, clientId);
        return row && toProviderMetadata(row);
      }),
      jwks: { keys } as Configuration['jwks'],
      claims: CLAIMS_BY_SCOPE,
      scopes: [...SCOPES],
      // Each relying party sees its own identifier for a resident, so two services cannot link
      // their users by it (the sector is the redirect URIs' one host, see clients.ts).
      subjectTypes: ['pairwise'],
      pairwiseIdentifier: (_ctx, accountId, client) =>
        createHash('sha256').update(`${client.sectorIdentifier}|${accountId}|${this.options.pairwiseSalt}`).digest('base64url'),
      responseTypes: ['code'],
      pkce: { methods: ['S256'], required: () => true },
      clientDefaults: { grant_types: ['authorization_code'], response_types: ['code'], id_token_signed_response_alg: 'EdDSA', token_endpoint_auth_method: 'client_secret_basic' },
      enabledJWA: { idTokenSigningAlgValues: ['EdDSA'] },
      // The attributes the resident granted go into the ID token itself (not only /me).
      conformIdTokenClaims: false,
      allowOmittingSingleRegisteredRedirectUri: false,
      cookies: {
        keys: this.options.cookieKeys,
        // Lax, not None: browsers drop SameSite=None cookies over plain http (the local demo).
        long: { httpOnly: true, sameSite: 'lax' },
        short: { httpOnly: true, sameSite: 'lax' },
      },
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 3600,
        Interaction: 600,
        Session: 8 * 3600,
        Grant: 30 * 24 * 3600,
      },
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: (ctx, form) => this.pages!.logout(ctx, form),
          postLogoutSuccessSource: (ctx) => this.pages!.loggedOut(ctx),
        },
        userinfo: { enabled: true },
        revocation: { enabled: true },
      },
      clientBasedCORS: () => false,
      interactions: { policy: platformSessionPolicy(), url: (_ctx, interaction) => `${INTERACTION_PREFIX}/${interaction.uid}` },
      renderError: (ctx, out) => this.pages!.error(ctx, out as { error: string; error_description?: string }),
      findAccount: async (ctx, sub) => {
        const residentId = residentIdOf(sub);
        if (residentId === undefined) return undefined;
        return {
          accountId: sub,
          claims: async (use, scope) => this.releaseClaims(ctx.oidc.client?.clientId ?? 'unknown', residentId, sub, use, scope, ctx.get('x-request-id') || null),
        };
      },
    };
    const provider = new Provider(this.issuer, configuration);
    // Only a hash of a client's secret is stored; compare presented secrets with it.
    const clientPrototype = provider.Client.prototype as unknown as { clientSecret?: string; compareClientSecret(actual: string): Promise<boolean> };
    clientPrototype.compareClientSecret = async function compareClientSecret(this: { clientSecret?: string }, actual: string) {
      return secretMatches(this.clientSecret, actual);
    };
    provider.on('server_error', (_ctx, error) => this.options.onError(error));
    // RP-initiated logout ends the platform session too: it was the login, so it must not
    // silently sign the resident in again.
    provider.use(async (koaCtx, next) => {
      await next();
      const ctx = koaCtx as KoaContextWithOIDC;
      const body = ctx.oidc?.body as { logout?: string } | undefined;
      if (ctx.oidc?.route === 'end_session_confirm' && body?.logout) await this.endPlatformSession(ctx);
    });
    return provider;
  }

  private async endPlatformSession(ctx: KoaContextWithOIDC): Promise<void> {
    const token = ctx.cookies.get('og_session');
    if (!token) return;
    const principal = await this.identity.resolve(token);
    if (principal) {
      await this.identity.signOut(token, { id: principal.accountId, role: principal.role, org: principal.agencyCode }, ctx.get('x-request-id') || 'sso-logout');
    }
    ctx.cookies.set('og_session', '', { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 0, overwrite: true });
  }

  /**
   * The claims for the scopes granted (the provider drops any claim outside them; we read only
   * what they need). Every release is audited with the resident as subject, in the transaction
   * that reads the attributes.
   */
  private async releaseClaims(clientId: string, residentId: number, sub: string, use: string, scope: string, requestId: string | null): Promise<Record<string, unknown> & { sub: string }> {
    const scopes = knownScopes(scope);
    const needsRegister = scopes.some((s) => s === 'profile' || s === 'birthdate' || s === 'address');
    const needsContacts = scopes.some((s) => s === 'email' || s === 'phone');
    return withTransaction(this.pool, async (tx) => {
      const claims: Record<string, unknown> & { sub: string } = { sub };
      if (needsRegister) {
        const basic = (await this.registry.readDataProduct(tx, 'resident.basic', residentId)) as Record<string, string> | null;
        if (basic) {
          if (scopes.includes('profile')) Object.assign(claims, { name: basic.nameKo, name_romanized: basic.nameRomanized, locale: 'ko-KR' });
          if (scopes.includes('birthdate')) claims.birthdate = basic.birthDate;
          if (scopes.includes('address')) {
            claims.address = { formatted: basic.addressKo, street_address: basic.addressKo, postal_code: basic.postalCode, country: 'KR', 'formatted#en': basic.addressEn };
          }
        }
      }
      if (needsContacts) {
        const found = await this.identity.residentsContactDetails(tx, [{ residentId, requestId }], {
          actor: clientActor(clientId),
          purpose: `single sign-on: release to ${clientId}`,
        });
        const contact = found.get(residentId);
        if (scopes.includes('email') && contact?.email) Object.assign(claims, { email: contact.email, email_verified: false });
        if (scopes.includes('phone') && contact?.phone) Object.assign(claims, { phone_number: contact.phone, phone_number_verified: false });
      }
      await this.audit.append(tx, {
        actor: clientActor(clientId),
        action: 'sso.claims.release',
        purpose: `single sign-on: ${use === 'userinfo' ? 'userinfo' : 'ID token'} for ${clientId}`,
        resource: `sso/clients/${clientId}/claims`,
        subjectResidentId: residentId,
        outcome: 'allowed',
        requestId,
        details: { scopes, claims: Object.keys(claims) },
      });
      return claims;
    });
  }

  // ---- interactions (login, consent) ----

  private async interaction(req: IncomingMessage, res: ServerResponse, uid: string) {
    const provider = await this.current();
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      throw new AppError('SSO_INTERACTION_NOT_FOUND', 'The sign-in request has expired or was started in another browser. Go back to the service and sign in again.');
    }
    if (details.uid !== uid) throw new AppError('SSO_INTERACTION_NOT_FOUND', 'This sign-in request is not the one in progress in this browser.');
    return { provider, details };
  }

  /** What the interaction asks for, with the client and the scopes it may have. */
  async describeInteraction(req: IncomingMessage, res: ServerResponse, uid: string): Promise<InteractionView> {
    const { details } = await this.interaction(req, res, uid);
    const clientId = String(details.params.client_id ?? '');
    const client = await findClient(this.pool, clientId);
    if (!client) throw new AppError('SSO_INTERACTION_NOT_FOUND', 'The service that asked you to sign in is no longer registered.');
    const asked = knownScopes(String(details.params.scope ?? ''));
    return {
      uid,
      prompt: details.prompt.name === 'login' ? 'login' : 'consent',
      client,
      scopes: asked.filter((scope) => client.scopes.includes(scope)),
      accountId: details.session?.accountId,
      redirectUri: typeof details.params.redirect_uri === 'string' ? details.params.redirect_uri : undefined,
    };
  }

  /**
   * The login step: the resident signed in to the platform (the authenticator chooser) is the
   * one who signs in to the relying party. Returns where the browser goes next.
   */
  async completeLogin(req: IncomingMessage, res: ServerResponse, uid: string, context: SsoContext): Promise<string> {
    const principal = context.principal;
    if (!principal || principal.role !== 'resident' || principal.residentId === null) throw new AppError('FORBIDDEN', 'Only residents sign in to other services.');
    const { provider, details } = await this.interaction(req, res, uid);
    const clientId = String(details.params.client_id ?? '');
    await this.audit.append(this.pool, {
      actor: context.actor,
      action: 'sso.sign-in',
      purpose: `single sign-on to ${clientId}`,
      resource: `sso/clients/${clientId}`,
      subjectResidentId: principal.residentId,
      outcome: 'allowed',
      requestId: context.requestId,
    });
    return provider.interactionResult(req, res, { login: { accountId: accountIdOf(principal.residentId), amr: ['platform-session'] } }, { mergeWithLastSubmission: false });
  }

  /** The resident's decision on the consent screen; a refusal sends access_denied to the relying party. */
  async decideConsent(req: IncomingMessage, res: ServerResponse, uid: string, decision: 'allow' | 'deny', context: SsoContext): Promise<string> {
    const principal = context.principal;
    if (!principal || principal.role !== 'resident' || principal.residentId === null) throw new AppError('FORBIDDEN', 'Only residents sign in to other services.');
    const view = await this.describeInteraction(req, res, uid);
    const { provider, details } = await this.interaction(req, res, uid);
    if (view.prompt !== 'consent') throw new AppError('CONFLICT', 'This sign-in request is not waiting for consent.');
    if (view.accountId !== accountIdOf(principal.residentId)) throw new AppError('FORBIDDEN', 'This sign-in request belongs to another person.');
    const entry = {
      actor: context.actor,
      action: 'sso.consent',
      purpose: `single sign-on: share attributes with ${view.client.clientId}`,
      resource: `sso/clients/${view.client.clientId}`,
      subjectResidentId: principal.residentId,
      requestId: context.requestId,
      details: { scopes: view.scopes, decision },
    };
    if (decision === 'deny') {
      await this.audit.append(this.pool, { ...entry, outcome: 'denied' });
      return provider.interactionResult(req, res, { error: 'access_denied', error_description: 'The resident declined to share their information.' }, { mergeWithLastSubmission: false });
    }
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
    const target = grant ?? new provider.Grant({ accountId: view.accountId, clientId: view.client.clientId });
    target.addOIDCScope(view.scopes.join(' '));
    const missingClaims = (details.prompt.details.missingOIDCClaims as string[] | undefined) ?? [];
    if (missingClaims.length) target.addOIDCClaims(missingClaims);
    const grantId = await withTransaction(this.pool, async (tx) => {
      await this.audit.append(tx, { ...entry, outcome: 'allowed' });
      return target.save();
    });
    return provider.interactionResult(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  /** Switches the interaction's OIDC session to the platform's signed-in resident (another person signed in meanwhile). */
  async switchAccount(req: IncomingMessage, res: ServerResponse, uid: string, residentId: number): Promise<string> {
    const { provider } = await this.interaction(req, res, uid);
    return provider.interactionResult(req, res, { login: { accountId: accountIdOf(residentId), amr: ['platform-session'] } }, { mergeWithLastSubmission: false });
  }

  // ---- clients (operator) ----

  async registerClient(context: SsoContext, input: ClientRegistration): Promise<{ client: SsoClient; clientSecret?: string }> {
    requireOperator(context, ['operator']);
    const problems = validateRegistration(input);
    if (problems.length) throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    const secret = input.type === 'confidential' ? newClientSecret() : undefined;
    const client = await withTransaction(this.pool, async (tx) => {
      if (!(await insertClient(tx, input, secret ? hashSecret(secret) : null, context.actor.id))) {
        throw new AppError('CONFLICT', `A client with id ${input.clientId} is already registered.`, [{ field: '/body/clientId', message: 'is already registered' }]);
      }
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'sso.client.register',
        purpose: 'single sign-on: register a relying party',
        resource: `sso/clients/${input.clientId}`,
        outcome: 'allowed',
        requestId: context.requestId,
        details: { kind: input.kind, type: input.type, redirectUris: input.redirectUris, scopes: input.scopes },
      });
      return (await findClient(tx, input.clientId))!;
    });
    return { client, ...(secret ? { clientSecret: secret } : {}) };
  }

  async listClients(context: SsoContext): Promise<SsoClient[]> {
    requireOperator(context, ['operator', 'auditor']);
    return listClients(this.pool);
  }

  findClient(clientId: string): Promise<SsoClient | undefined> {
    return findClient(this.pool, clientId);
  }

  /**
   * The demo relying party's registration (idempotent) and its secret, kept in sso.secrets so
   * every process of the demo RP authenticates with the same one.
   */
  async ensureDemoClient(): Promise<{ clientId: string; clientSecret: string }> {
    return withTransaction(this.pool, async (tx) => {
      await tx.query("INSERT INTO sso.secrets (name, value) VALUES ('demo-rp-client-secret', $1) ON CONFLICT (name) DO NOTHING", [newClientSecret()]);
      const secret = (await tx.query<{ value: string }>("SELECT value FROM sso.secrets WHERE name = 'demo-rp-client-secret'")).rows[0]!.value;
      const base = this.options.publicBaseUrl.replace(/\/$/, '');
      await tx.query(
        `INSERT INTO sso.clients (client_id, name_ko, name_en, kind, redirect_uris, post_logout_redirect_uris, scopes, secret_sha256, created_by)
         VALUES ($1, '시연용 협력 서비스(한결은행)', 'Demo partner service (Hangyeol Bank)', 'partner', $2, $3, $4, $5, 'system')
         ON CONFLICT (client_id) DO UPDATE SET redirect_uris = EXCLUDED.redirect_uris, post_logout_redirect_uris = EXCLUDED.post_logout_redirect_uris,
           scopes = EXCLUDED.scopes, secret_sha256 = EXCLUDED.secret_sha256`,
        [DEMO_CLIENT_ID, [`${base}/demo-rp/callback`], [`${base}/demo-rp`], [...SCOPES], hashSecret(secret)],
      );
      return { clientId: DEMO_CLIENT_ID, clientSecret: secret };
    });
  }

  // ---- keys (operator) ----

  async listKeys(context: SsoContext): Promise<SigningKeyInfo[]> {
    requireOperator(context, ['operator', 'auditor']);
    return listSigningKeys(this.pool);
  }

  /** A new signing key; the previous ones stay published until retired. Takes effect at once here, within seconds elsewhere. */
  async rotateKey(context: SsoContext): Promise<SigningKeyInfo> {
    requireOperator(context, ['operator']);
    const kid = await withTransaction(this.pool, async (tx) => {
      const created = await newSigningKey(tx, context.actor.id);
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'sso.key.rotate',
        purpose: 'single sign-on: rotate the ID-token signing key',
        resource: `sso/keys/${created}`,
        outcome: 'allowed',
        requestId: context.requestId,
      });
      return created;
    });
    await this.rebuild();
    return (await listSigningKeys(this.pool)).find((key) => key.kid === kid)!;
  }

  /** Removes a previous key from the JWKS: tokens it signed no longer verify. The signing key cannot be retired. */
  async retireKey(context: SsoContext, kid: string): Promise<SigningKeyInfo> {
    requireOperator(context, ['operator']);
    await withTransaction(this.pool, async (tx) => {
      const keys = await listSigningKeys(tx);
      const key = keys.find((k) => k.kid === kid);
      if (!key) throw new AppError('NOT_FOUND', 'No such signing key.');
      if (key.retiredAt) throw new AppError('CONFLICT', 'The key is already retired.');
      if (key.current) throw new AppError('CONFLICT', 'The current signing key cannot be retired: rotate first.');
      await tx.query('UPDATE sso.signing_keys SET retired_at = now() WHERE kid = $1', [kid]);
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'sso.key.retire',
        purpose: 'single sign-on: retire a previous ID-token signing key',
        resource: `sso/keys/${kid}`,
        outcome: 'allowed',
        requestId: context.requestId,
      });
    });
    await this.rebuild();
    return (await listSigningKeys(this.pool)).find((key) => key.kid === kid)!;
  }

  /** Deletes expired sessions, codes and tokens. */
  purgeExpired(): Promise<number> {
    return purgeExpiredRecords(this.pool);
  }
}

/**
 * The provider's login prompt, plus one check: the OIDC session must belong to the resident who
 * is signed in to the platform now. Signing out of the platform (or another person signing in)
 * therefore sends the next authorization request through the login step again, instead of
 * silently reusing the provider's own session.
 */
function platformSessionPolicy(): interactionPolicy.Prompt[] {
  const policy = interactionPolicy.base();
  policy.get('login')!.checks.add(
    new interactionPolicy.Check('platform_session', 'The OnceGov sign-in is missing or belongs to someone else', 'login_required', async (ctx) => {
      const principal = (ctx.req as IncomingMessage & { fastifyRequest?: { principal: Principal | null } }).fastifyRequest?.principal;
      const expected = principal?.role === 'resident' && principal.residentId !== null ? accountIdOf(principal.residentId) : undefined;
      return expected !== undefined && expected === ctx.oidc.session?.accountId ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
    }),
  );
  return policy;
}

function requireOperator(context: SsoContext, roles: Array<Principal['role']>): Principal {
  const principal = context.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  if (!roles.includes(principal.role)) throw new AppError('FORBIDDEN', 'Only the platform operator manages single sign-on.');
  return principal;
}
