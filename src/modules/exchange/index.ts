// The exchange module's public surface: the once-only exchange (X-Road REST style), its client
// credentials and monthly statistics (Postgres schema `exchange`).
export { ExchangeService, exchangeError, currentMonth } from './service';
export type { ExchangeContext, ExchangeResponse, IssuedCredential, MonthlyStatistics } from './service';
export { CANONICAL_VERSION, parseExchangeRequest, requestHash, signedPayload, type ExchangeRequest, type XRoadErrorCode } from './protocol';
export { exchangeRoutes, type ExchangeRouteOptions } from './routes';
