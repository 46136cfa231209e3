// The open data portal, part 1 (issue 6; Postgres schema `opendata`): the catalogue of every data
// asset of every agency (open datasets, the registries' data products as restricted entries, closed
// assets) with DCAT-AP 3 metadata; its pages (/catalog, /datasets/{id}) with ko/en, typo-tolerant
// search and facets; DCAT-AP output in JSON-LD and Turtle; and the CKAN action API subset
// (package_search, package_show). Other modules use `OpenDataCatalogue`: find, get, entries,
// search, publishers, findPublisher, viewerFor; visibility is decided inside (canSee).
export { OpenDataCatalogue, DEFAULT_ROWS, MAX_ROWS, GOVERNMENT_ROLES, visibleLevels, canSee, facetValues } from './catalogue';
export type { DatasetQuery, DatasetSearchResult, FacetClause, FacetCounts, SortOrder, SortKey, Viewer, AgreementsPort } from './catalogue';
// Part 2, the datastore (schema `datastore`): uploads of CSV/JSON by agencies' officials (preview,
// confirm, import as typed tables), CKAN datastore_search, CSV/JSON downloads, the upload console.
// Other modules use `DataStore`: datasetIdOf(resourceId), find, resourcesOf, search, download.
export { ACCESS_LEVELS, FACETS, FORMATS, FREQUENCIES, LICENCES, THEMES } from './model';
export type { AccessLevel, DataService, DatasetEntry, Distribution, Facet, Publisher } from './model';
export { datasetNode, catalogueNodes } from './dcat';
export { toJsonLd, toTurtle } from './rdf';
export { openDataRoutes } from './routes';
export { ckanRoutes } from './ckan';
export { DataStore, UploadRejected, buildSearch, parseDatastoreSearch, CKAN_TYPES, DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT } from './datastore';
export type { DataResource, DataStoreContext, DatastoreSearchQuery, DatastoreSearchResult, ResourceColumn, SearchStatement, UploadFile, UploadPreview } from './datastore';
export { datastoreRoutes } from './datastore-routes';
export { uploadPages } from './upload-pages';
export { COLUMN_TYPES, ENCODINGS, MAX_UPLOAD_BYTES, convertValue, describeProblem, inferTypes, readTable } from './upload';
export type { ColumnType, DeclaredEncoding, FileFormat, FileProblem } from './upload';
// Part 2 (developers, API keys, rate limits, usage statistics, data requests).
export { DeveloperService, MAX_ACTIVE_KEYS, validateDeveloper } from './api-keys';
export type { ApiKeySummary, Developer, DeveloperContext, DeveloperInput, IssuedApiKey } from './api-keys';
export { OpenDataApiGuard, registerOpenDataApiGuard, DEFAULT_RATE_LIMITS, TEST_RATE_LIMITS, rateLimitsFrom, isGuardedUrl, rateLimitHeaders } from './rate-limits';
export type { Admission, RateLimitPolicies, RatePolicy } from './rate-limits';
export { UsageStatistics, attributeUsage } from './usage';
export type { DatasetUsage, KeyUsage, OpenDataCaller } from './usage';
export { DataRequestService, DATA_REQUEST_STATES, TRANSITIONS, nextState, stepsFrom } from './data-requests';
export type { DataRequest, DataRequestDetail, DataRequestState, DataRequestStep } from './data-requests';
export { developerRoutes } from './developer-routes';
export { developerPages, dataRequestPages } from './developer-pages';
