// The wallet module's public surface (issue 5, part 3; Postgres schema `wallet`): e-certificates
// issued as W3C Verifiable Credentials 2.0 (eddsa-rdfc-2022 Data Integrity proofs, Bitstring
// Status List revocation), the VC-API endpoints, the resident's document wallet and the public
// verification page.
export { WalletService, residentSubjectId } from './service';
export type { IssueRequest, Share, ShareInput, StoredCertificate, VaccinationInput, WalletContext, CertificateState } from './service';
export { CredentialCrypto, walletUrls, type IssuerIdentity, type WalletUrls } from './crypto';
export { CERTIFICATES, DOC_TYPES, parseDocumentUri, type DocType } from './certificates';
export type { CredentialVerification, Verdict } from './verify';
export { walletRoutes } from './routes';
export { walletPages } from './pages';
