// The consent module's public surface (MyData, issue 3; Postgres schema `consent`): a resident's
// consents for a recipient subsystem to fetch whole data products through the exchange, signed
// consent artefacts, and for the exchange `findActiveConsent` and `recordUse`.
export {
  ConsentService,
  CONSENT_PURPOSE_CODES,
  CONSENT_STATES,
  consentableProducts,
  validateGrant,
  verifyConsentArtefact,
} from './service';
export type { ActiveConsent, Consent, ConsentArtefact, ConsentContext, ConsentState, ConsentVerification, GrantInput } from './service';
export { consentRoutes } from './routes';
export { consentPages } from './pages';
