// The agreements module's public surface, for other modules (the exchange, consent, statistics).
// It owns access agreements (Postgres schema `agreements`): who (a client subsystem) may use which
// data product, for what purpose and legal basis, which exact fields, until when; the holder's and
// the operator's decisions; suspension; and the X-Road allowedMethods directory service.
export { ActiveAgreementIndex, AgreementsService } from './service';
export type { ActiveAgreement, Agreement, AgreementContext, AgreementDetail, AllowedMethod, HistoryEntry } from './service';
export { findPurpose, PURPOSES, PURPOSE_CODES, type Purpose, type PurposeCode } from './purposes';
export { agreementsRoutes } from './routes';
export { agreementsConsole } from './console';
