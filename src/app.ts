// Wires the shared kernel and the modules into one Fastify application. Used by the server
// (src/main.ts) and by the tests, which inject requests into it without opening a socket.
import { ProactiveEngine, proactiveRoutes } from './modules/proactive';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Logger } from './core/logger';
import { AuditLog } from './core/audit';
import { registerAuth } from './core/auth';
import type { Config } from './core/config';
import type { Pool } from './core/db';
import { AppError, ERROR_CATALOGUE, problemSchema, problemTypeUri } from './core/errors';
import { EventBus } from './core/events';
import { PlatformKeys } from './core/keys';
import { registerHttpConventions, sendProblem } from './core/http';
import { agreementsConsole } from './modules/agreements/console';
import { agreementsRoutes } from './modules/agreements/routes';
import { ConsentService, consentPages, consentRoutes } from './modules/consent';
import { AgreementsService } from './modules/agreements/service';
import { directoryRoutes } from './modules/directory/routes';
import { EligibilityService, benefitsPages, eligibilityRoutes, rulesConsole } from './modules/eligibility';
import { ExchangeService, exchangeRoutes } from './modules/exchange';
import { exchangeConsole } from './modules/exchange/console';
import { credentialsConsole } from './modules/exchange/credentials-console';
import { DirectoryService } from './modules/directory/service';
import { SimulatedAuthenticators } from './modules/identity/authenticators';
import { identityRoutes } from './modules/identity/routes';
import { createNotifications, notificationsPages, notificationsRoutes, type DeliveryWorker, type NotificationsService } from './modules/notifications';
import { IdentityService } from './modules/identity/service';
import { operationsRoutes } from './modules/operations/routes';
import { portalRoutes } from './modules/portal/routes';
import { registryRoutes } from './modules/registry/routes';
import { LifeEvents } from './modules/registry/life-events';
import { RegistryService } from './modules/registry/service';
import { TrackerService, trackerRoutes } from './modules/tracker';
import { ServiceCatalogue, servicePages, serviceRoutes } from './modules/services';
import { ApplicationsService, applicationPages, applicationsRoutes } from './modules/applications';
import { MobileIdService, mobileIdPages, mobileIdRoutes } from './modules/mobile-id';
import { DataStore, OpenDataCatalogue, ckanRoutes, datastoreRoutes, openDataRoutes, uploadPages } from './modules/opendata';
import { DataRequestService, DEFAULT_RATE_LIMITS, DeveloperService, OpenDataApiGuard, TEST_RATE_LIMITS, UsageStatistics, dataRequestPages, developerPages, developerRoutes, rateLimitsFrom, registerOpenDataApiGuard } from './modules/opendata';
import { SsoService, demoRelyingParty, oidcMount, ssoConsole, ssoRoutes } from './modules/sso';
import { RationingService, rationingPages, rationingRoutes } from './modules/rationing';
import { CredentialCrypto, WalletService, walletPages, walletRoutes } from './modules/wallet';

export interface Platform {
  app: FastifyInstance;
  audit: AuditLog;
  events: EventBus;
  registry: RegistryService;
  identity: IdentityService;
  catalogue: ServiceCatalogue;
  exchange: ExchangeService;
  agreements: AgreementsService;
  consents: ConsentService;
  directory: DirectoryService;
  lifeEvents: LifeEvents;
  notifications: NotificationsService;
  /** Sends email and SMS deliveries; src/main.ts starts it, closing the app stops it. */
  notificationWorker: DeliveryWorker;
  eligibility: EligibilityService;
  proactive: ProactiveEngine;
  applications: ApplicationsService;
  openData: OpenDataCatalogue;
  mobileIds: MobileIdService;
  dataStore: DataStore;
  /** The open-data API's rate limits (guard.policies) and usage statistics (guard.usage). */
  openDataGuard: OpenDataApiGuard;
  developers: DeveloperService;
  dataRequests: DataRequestService;
  sso: SsoService;
  rationing: RationingService;
  wallet: WalletService;
}

const REQUEST_ID = /^[\w.:-]{8,100}$/;

export async function buildPlatform(deps: { config: Config; pool: Pool; logger: Logger }): Promise<Platform> {
  const { config, pool, logger } = deps;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    routerOptions: { maxParamLength: 200 },
    // A caller's own request id is kept when it is well-formed, so a trace spans systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    // The router refuses undecodable URLs and over-long path parameters before any hook runs;
    // those answers are problem+json too.
    frameworkErrors: (error, request, reply) => {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return sendProblem(
        request,
        reply,
        new AppError(tooLong ? 'URI_TOO_LONG' : 'VALIDATION_FAILED', tooLong ? 'A path segment is too long.' : 'The URL could not be decoded.'),
      );
    },
    // Node answers malformed or oversized request heads itself; keep those answers problem+json too.
    clientErrorHandler: (error: Error & { code?: string }, socket) => {
      const code = error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'MALFORMED_BODY';
      const { status, title } = ERROR_CATALOGUE[code];
      const body = JSON.stringify({ type: problemTypeUri(code), title: title.en, status, code });
      if (socket.writable) {
        socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      }
    },
  });

  const audit = new AuditLog(pool, { onError: (error) => logger.error({ err: error }, 'audit sealer failed') });
  const events = new EventBus(pool, { onError: (error) => logger.error({ err: error }, 'event dispatch failed') });
  const registry = new RegistryService(pool, audit);
  const lifeEvents = new LifeEvents(pool, audit, events);
  const directory = new DirectoryService(pool);
  const agreements = new AgreementsService(pool, audit, directory, { events });
  const keys = await PlatformKeys.load(pool);
  const consents = new ConsentService(pool, audit, directory, keys);
  const exchange = new ExchangeService(pool, audit, directory, agreements, registry, keys, consents);
  const authenticators = await SimulatedAuthenticators.create();
  const identity = new IdentityService(pool, audit, registry, authenticators, { sessionTtlMinutes: config.sessionTtlMinutes });
  const tracker = new TrackerService(pool, audit, directory);
  const catalogue = await ServiceCatalogue.open(pool);
  const { notifications, notificationWorker } = createNotifications({
    pool,
    audit,
    contacts: identity,
    config,
    onError: (error) => logger.error({ err: error }, 'notification delivery failed'),
  });
  const eligibility = new EligibilityService(pool, audit, registry, events);
  const proactive = new ProactiveEngine({
    pool,
    audit,
    events,
    registry,
    eligibility,
    notifications,
    catalogue,
    publicBaseUrl: config.publicBaseUrl,
    onError: (error) => logger.error({ err: error }, 'proactive sweep failed'),
  });
  proactive.subscribe();
  const applications = new ApplicationsService(pool, audit, events, catalogue, exchange, agreements, consents);
  await applications.ensureStandingAgreements();
  const openData = await OpenDataCatalogue.open(pool, { baseUrl: config.publicBaseUrl, agreements });
  const mobileIds = new MobileIdService(pool, audit, registry, keys, { issuer: config.publicBaseUrl });
  const dataStore = await DataStore.open(pool, audit, openData);
  const openDataUsage = new UsageStatistics(pool, { onError: (error) => logger.error({ err: error }, 'open data usage flush failed') });
  // OPENDATA_RATE_LIMITS=key=1000/60,anonymous=60/60 overrides the limits (e.g. for a load benchmark).
  const openDataGuard = new OpenDataApiGuard(pool, openDataUsage, {
    policies: rateLimitsFrom(process.env.OPENDATA_RATE_LIMITS, config.env === 'test' ? TEST_RATE_LIMITS : DEFAULT_RATE_LIMITS),
  });
  const developers = new DeveloperService(pool, audit);
  const dataRequests = new DataRequestService(pool, audit, {
    isAgency: (code) => openData.findPublisher(code) !== undefined,
    isPublicDataset: (id) => openData.find(id, { role: null }) !== undefined,
  });
  const sso = await SsoService.open({ pool, audit, registry, identity, publicBaseUrl: config.publicBaseUrl, onError: (error) => logger.error({ err: error }, 'OpenID provider error') });
  const demoClient = await sso.ensureDemoClient();
  const rationing = new RationingService(pool, audit, registry, { onError: (error) => logger.error({ err: error }, 'rationing stock stream failed') });
  await rationing.ensureDemo();
  const wallet = new WalletService(pool, audit, registry, consents, exchange, await CredentialCrypto.load(pool, config.publicBaseUrl));
  // Proofs are checked in worker threads outside tests (JSON-LD processing is CPU-bound; bench/credentials.ts).
  wallet.crypto.useWorkers(config.env === 'test' ? 0 : 2);

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  app.addSchema(problemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'OnceGov API',
        version: '0.1.0',
        description: 'The shared platform of a digital platform government. Errors are RFC 9457 problem+json with a stable `code`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: config.publicBaseUrl }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'og_session', description: 'Session cookie set by sign-in' },
          exchangeCredential: { type: 'http', scheme: 'bearer', description: 'Once-only exchange: the API credential issued to the X-Road-Client subsystem' },
          openDataApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Open data API (/api/3/action/*, downloads): an API key from /developers, in X-API-Key or Authorization; optional, without it a lower per-address rate limit applies' },
        },
      },
      security: [{ session: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });

  registerHttpConventions(app);
  registerAuth(app, { sessions: identity, cookieSecure: config.cookieSecure });
  registerOpenDataApiGuard(app, openDataGuard);
  app.decorate('openDataUsage', openDataUsage);

  await app.register(operationsRoutes({ pool, audit }));
  await app.register(portalRoutes({ registry, identity }));
  await app.register(identityRoutes({ identity, registry, authenticators, cookieSecure: config.cookieSecure, sessionTtlMinutes: config.sessionTtlMinutes }));
  await app.register(registryRoutes(registry, lifeEvents));
  await app.register(directoryRoutes(directory));
  await app.register(agreementsRoutes(agreements));
  await app.register(agreementsConsole(agreements));
  // EXCHANGE_BENCH_BASELINE=1 adds a no-checks twin of the exchange read, for bench/exchange.ts only.
  await app.register(exchangeRoutes(exchange, process.env.EXCHANGE_BENCH_BASELINE === '1' ? { baseline: { pool, registry } } : {}));
  await app.register(exchangeConsole({ pool, audit, directory, exchange }));
  await app.register(credentialsConsole({ exchange, directory }));
  await app.register(trackerRoutes(tracker));
  await app.register(consentRoutes(consents));
  await app.register(consentPages(consents));
  await app.register(serviceRoutes(catalogue));
  await app.register(servicePages(catalogue));
  await app.register(notificationsRoutes(notifications));
  await app.register(notificationsPages(notifications));
  await app.register(eligibilityRoutes(eligibility));
  await app.register(rulesConsole(eligibility));
  await app.register(benefitsPages(eligibility));
  await app.register(proactiveRoutes(proactive));
  await app.register(applicationsRoutes(applications));
  await app.register(applicationPages(applications, (code) => catalogue.findAgency(code)?.name ?? { ko: code, en: code }));
  await app.register(openDataRoutes(openData));
  await app.register(ckanRoutes(openData));
  await app.register(mobileIdRoutes(mobileIds));
  await app.register(mobileIdPages(mobileIds));
  await app.register(datastoreRoutes(dataStore, openData));
  await app.register(uploadPages(dataStore, openData));
  await app.register(developerRoutes({ developers, usage: openDataUsage, dataRequests, catalogue: openData }));
  await app.register(developerPages({ developers, usage: openDataUsage, guard: openDataGuard }));
  await app.register(dataRequestPages({ dataRequests, catalogue: openData }));
  openDataGuard.start((error) => logger.error({ err: error }, 'open data rate window cleanup failed'));
  await app.register(oidcMount(sso));
  await app.register(ssoRoutes(sso));
  await app.register(ssoConsole(sso));
  await app.register(demoRelyingParty({ issuer: sso.issuer, publicBaseUrl: config.publicBaseUrl, ...demoClient, cookieSecure: config.cookieSecure }));
  await app.register(rationingRoutes(rationing));
  await app.register(rationingPages(rationing));
  await app.register(walletRoutes(wallet));
  await app.register(walletPages(wallet, consents));

  app.addHook('onClose', async () => {
    await audit.stopSealer();
    await events.stop();
    await proactive.idle();
    await notificationWorker.stop();
    await openDataGuard.stop();
    await rationing.stop();
  });
  await app.ready();
  return { app, audit, events, registry, identity, catalogue, exchange, agreements, consents, directory, lifeEvents, notifications, notificationWorker, eligibility, proactive, applications, openData, mobileIds, dataStore, openDataGuard, developers, dataRequests, sso, rationing, wallet };
}
