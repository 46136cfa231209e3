// The service catalogue as other modules and the routes use it. `ServiceCatalogue.open` loads the
// seed into the tables (idempotent) and reads the tables into an immutable snapshot with its
// search index: the catalogue is small, public reference data read on every page, so answers
// come from memory; `reload()` re-reads the tables after they change.
import type { Pool } from '../../core/db';
import { AppError } from '../../core/errors';
import { findDataProduct } from '../registry/data-products';
import {
  LIFE_EVENTS,
  isLifeEventCode,
  type Agency,
  type CatalogueService,
  type Channel,
  type LifeEvent,
  type LifeEventCode,
  type RequiredDocument,
  type ServiceBundle,
  type ServiceSpec,
} from './model';
import * as repository from './repository';
import { assertSearchable, SearchIndex, type SearchDocument, type SearchFields, type SearchHit } from './search';
import { SEED_AGENCIES, SEED_BUNDLES, SEED_SERVICES } from './seed';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface ServiceFilter {
  /** Free text, Korean or English; ranked by relevance when given. */
  q?: string;
  lifeEvent?: LifeEventCode;
  /** Agency code, e.g. MOHW. */
  agency?: string;
  channel?: Channel;
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface ServicePage {
  items: CatalogueService[];
  total: number;
  page: number;
  pageSize: number;
}

export interface LifeEventSummary extends LifeEvent {
  serviceCount: number;
}

export interface ServiceSearchHit {
  service: CatalogueService;
  score: number;
}

interface Snapshot {
  services: CatalogueService[];
  byId: Map<string, CatalogueService>;
  agencies: Map<string, Agency>;
  bundles: Map<string, ServiceBundle>;
  index: SearchIndex<ServiceSearchField>;
}

export class ServiceCatalogue {
  private snapshot: Snapshot;

  private constructor(
    private readonly pool: Pool,
    snapshot: Snapshot,
  ) {
    this.snapshot = snapshot;
  }

  /** Loads the seed into the tables if it changed, then reads the catalogue from them. */
  static async open(pool: Pool, seed: repository.CatalogueSeed = { agencies: SEED_AGENCIES, services: SEED_SERVICES, bundles: SEED_BUNDLES }): Promise<ServiceCatalogue> {
    await repository.loadSeed(pool, seed);
    return new ServiceCatalogue(pool, await readSnapshot(pool));
  }

  /** Re-reads the tables (after an official changed the catalogue). */
  async reload(): Promise<void> {
    this.snapshot = await readSnapshot(this.pool);
  }

  findService(id: string): CatalogueService | undefined {
    return this.snapshot.byId.get(id);
  }

  /** The service, or a 404 problem with code CATALOGUE_SERVICE_NOT_FOUND. */
  getService(id: string): CatalogueService {
    const service = this.findService(id);
    if (!service) throw new AppError('CATALOGUE_SERVICE_NOT_FOUND', `There is no service "${id}" in the catalogue.`, [{ field: '/params/id', message: 'no such service' }]);
    return service;
  }

  /** Every service in catalogue order. */
  allServices(): readonly CatalogueService[] {
    return this.snapshot.services;
  }

  agencies(): Agency[] {
    return [...this.snapshot.agencies.values()];
  }

  findAgency(code: string): Agency | undefined {
    return this.snapshot.agencies.get(code);
  }

  /** Ranked search hits over every service (no filters, no paging); [] for an empty query. */
  search(query: string): ServiceSearchHit[] {
    return this.snapshot.index.search(query).map((hit: SearchHit) => ({ service: this.snapshot.byId.get(hit.id)!, score: hit.score }));
  }

  /**
   * One page of services matching every given filter: by relevance when `q` is given, else in
   * catalogue order. Bad filters are 400 problems naming the query field.
   */
  listServices(filter: ServiceFilter = {}): ServicePage {
    const page = filter.page ?? 1;
    const pageSize = filter.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(page) || page < 1) throw invalid('/querystring/page', 'must be a whole number of at least 1');
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw invalid('/querystring/pageSize', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
    if (filter.lifeEvent !== undefined && !isLifeEventCode(filter.lifeEvent)) throw invalid('/querystring/lifeEvent', 'is not one of the ten life events');
    if (filter.agency !== undefined && !this.snapshot.agencies.has(filter.agency)) throw invalid('/querystring/agency', 'is not an agency in the catalogue');
    if (filter.channel !== undefined && !['online', 'office', 'partner'].includes(filter.channel)) throw invalid('/querystring/channel', 'must be online, office or partner');

    const q = filter.q?.trim() ?? '';
    if (filter.q !== undefined) assertSearchable(filter.q);
    const candidates = q ? this.search(q).map((hit) => hit.service) : this.snapshot.services;
    const matching = candidates.filter(
      (service) =>
        (!filter.lifeEvent || service.lifeEvents.includes(filter.lifeEvent)) &&
        (!filter.agency || service.agency.code === filter.agency) &&
        (!filter.channel || service.channels.includes(filter.channel)),
    );
    return { items: matching.slice((page - 1) * pageSize, page * pageSize), total: matching.length, page, pageSize };
  }

  servicesForLifeEvent(lifeEvent: LifeEventCode): CatalogueService[] {
    return this.snapshot.services.filter((service) => service.lifeEvents.includes(lifeEvent));
  }

  /** The ten life events in their fixed order, each with how many services it has. */
  lifeEvents(): LifeEventSummary[] {
    return LIFE_EVENTS.map((event) => ({ ...event, serviceCount: this.servicesForLifeEvent(event.code).length }));
  }

  /** Services that need this registry data product (which the platform fetches for the resident). */
  servicesRequiringProduct(dataProductId: string): CatalogueService[] {
    return this.snapshot.services.filter((service) => service.requiredDocuments.some((d) => d.dataProductId === dataProductId));
  }

  bundle(id: string): ServiceBundle | undefined {
    return this.snapshot.bundles.get(id);
  }

  /** The bundle, or a 404 problem with code SERVICE_BUNDLE_NOT_FOUND. */
  getBundle(id: string): ServiceBundle {
    const bundle = this.bundle(id);
    if (!bundle) throw new AppError('SERVICE_BUNDLE_NOT_FOUND', `There is no service bundle "${id}".`, [{ field: '/params/id', message: 'no such bundle' }]);
    return bundle;
  }

  bundles(): ServiceBundle[] {
    return [...this.snapshot.bundles.values()];
  }

  /** The member services of a bundle, in the bundle's order. */
  bundleServices(bundle: ServiceBundle): CatalogueService[] {
    return bundle.serviceIds.map((id) => this.snapshot.byId.get(id)).filter((s): s is CatalogueService => s !== undefined);
  }
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field.split('/').pop()} ${message}`, [{ field, message }]);
}

async function readSnapshot(pool: Pool): Promise<Snapshot> {
  const stored = await repository.readCatalogue(pool);
  const agencies = new Map(stored.agencies.map((agency) => [agency.code, agency]));
  const services = catalogueServices(stored);
  return {
    services,
    byId: new Map(services.map((service) => [service.id, service])),
    agencies,
    bundles: new Map(stored.bundles.map((bundle) => [bundle.id, bundle])),
    index: new SearchIndex(services.map(searchDocumentOf), SERVICE_SEARCH_FIELDS),
  };
}

/** The services of a seed (or of what the tables hold) as the catalogue answers them. */
export function catalogueServices(stored: repository.CatalogueSeed): CatalogueService[] {
  const agencies = new Map(stored.agencies.map((agency) => [agency.code, agency]));
  return stored.services.map((spec) => toService(spec, agencies));
}

const LIFE_EVENT_NAMES = new Map(LIFE_EVENTS.map((event) => [event.code, event.name]));

type ServiceSearchField = 'name' | 'keywords' | 'lifeEvents' | 'agency' | 'description' | 'legalBasis';

/** How a service's texts weigh in search: its name most, then keywords, life events, agency, description, legal basis. */
export const SERVICE_SEARCH_FIELDS: SearchFields<ServiceSearchField> = {
  weights: { name: 10, keywords: 6, lifeEvents: 4, agency: 3, description: 2, legalBasis: 1 },
  name: 'name',
  typoTolerant: ['name', 'keywords'],
};

/** What search looks at in a service, field by field (see SERVICE_SEARCH_FIELDS). */
export function searchDocumentOf(service: CatalogueService): SearchDocument<ServiceSearchField> {
  return {
    id: service.id,
    fields: {
      name: `${service.name.ko} ${service.name.en}`,
      keywords: `${service.keywords.ko} ${service.keywords.en}`,
      lifeEvents: service.lifeEvents.map((code) => `${LIFE_EVENT_NAMES.get(code)?.ko} ${LIFE_EVENT_NAMES.get(code)?.en}`).join(' '),
      agency: `${service.agency.name.ko} ${service.agency.name.en} ${service.agency.code}`,
      description: `${service.description.ko} ${service.description.en}`,
      legalBasis: `${service.legalBasis.ko} ${service.legalBasis.en}`,
    },
  };
}

function toService(spec: ServiceSpec, agencies: Map<string, Agency>): CatalogueService {
  const agency = agencies.get(spec.agency) ?? { code: spec.agency, name: { ko: spec.agency, en: spec.agency } };
  return {
    id: spec.id,
    agency,
    name: spec.name,
    description: spec.description,
    lifeEvents: spec.lifeEvents,
    channels: spec.channels,
    requiredDocuments: spec.documents.map((document): RequiredDocument => {
      if (document.kind === 'upload') return { kind: 'upload', dataProductId: null, name: document.name, fetchedByPlatform: false, heldBy: null };
      const product = findDataProduct(document.dataProductId);
      const holderCode = product?.providerSubsystem.split('/')[2];
      return {
        kind: 'data-product',
        dataProductId: document.dataProductId,
        name: product?.title ?? { ko: document.dataProductId, en: document.dataProductId },
        fetchedByPlatform: true,
        heldBy: holderCode ? (agencies.get(holderCode)?.name ?? { ko: holderCode, en: holderCode }) : null,
      };
    }),
    processingTime: spec.processingTime,
    feeKrw: spec.feeKrw,
    feeNote: spec.feeNote ?? null,
    legalBasis: spec.legalBasis,
    contact: spec.contact,
    category: spec.category ?? null,
    keywords: spec.keywords ?? { ko: '', en: '' },
  };
}
