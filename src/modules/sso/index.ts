// The single sign-on module's public surface (issue 5, part 1; Postgres schema `sso`): OnceGov
// as an OpenID Connect provider under /oidc (oidc-provider), the operator's client registrations
// and signing-key rotation, the interaction pages (login from the platform session, consent),
// and a demo relying party under /demo-rp.
export { SsoService, OIDC_PREFIX, INTERACTION_PREFIX, DEMO_CLIENT_ID, accountIdOf } from './service';
export type { SsoContext, InteractionView } from './service';
export type { SsoClient, ClientRegistration, ClientKind } from './clients';
export type { SigningKeyInfo } from './keys';
export { SCOPES, CLAIMS_BY_SCOPE, type Scope } from './scopes';
export { oidcMount, ssoRoutes } from './routes';
export { ssoConsole } from './console';
export { demoRelyingParty } from './demo-rp';
export { injectFetch } from './inject-fetch';
