// The Mobile ID module's public surface (issue 5, part 2; Postgres schema `mobile_id`): the Mobile
// Resident Registration Card as an SD-JWT VC bound to a device key, its verifier API and pages,
// instant revocation, and the holder library a device (or a test) uses to present it.
export { MobileIdService, MOBILE_ID_VCT, AUDIT_ACTIONS as MOBILE_ID_AUDIT_ACTIONS } from './service';
export type { IssuedMobileId, MobileIdContext, MobileIdSummary, VerificationRequestView, VerificationResult, RevocationReason } from './service';
export { MobileIdHolder } from './holder';
export type { HolderState, PresentationRequest } from './holder';
export { MOBILE_ID_ATTRIBUTES, ATTRIBUTE_LABELS, type MobileIdAttribute } from './attributes';
export { mobileIdRoutes } from './routes';
export { mobileIdPages } from './pages';
