// The service catalogue (GOV24, issue 4; Postgres schema `services`): public services owned by
// agencies, by life event, with channels, required documents (a registry data product the platform
// fetches under once-only, or an upload), processing time, fee, legal basis and contact; bundles
// such as 행복출산 원스톱서비스 (`happy-childbirth`); and the residents' search (ko/en, spacing- and
// typo-tolerant). Later modules (eligibility, proactive notifications, applications) use
// `ServiceCatalogue`: findService, getService, listServices, search, servicesForLifeEvent,
// servicesRequiringProduct, bundle, getBundle, bundleServices.
export { ServiceCatalogue, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './service';
export type { LifeEventSummary, ServiceFilter, ServicePage, ServiceSearchHit } from './service';
export { BENEFIT_CATEGORIES, CHANNELS, LIFE_EVENT_CODES, LIFE_EVENTS, isLifeEventCode } from './model';
export type { Agency, BenefitCategory, CatalogueService, Channel, LifeEvent, LifeEventCode, RequiredDocument, ServiceBundle } from './model';
export { MAX_QUERY_LENGTH, SearchIndex, assertSearchable } from './search';
export type { SearchDocument, SearchFields, SearchHit } from './search';
export { serviceRoutes } from './routes';
export { servicePages } from './pages';
