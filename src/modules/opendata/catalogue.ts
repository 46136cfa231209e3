// The data catalogue as the pages, the DCAT output and the CKAN API use it. `OpenDataCatalogue.open`
// loads the seed into the tables (idempotent) and reads them into an immutable snapshot with its
// search index: the catalogue is small metadata read on every request, so answers come from memory.
// Visibility is decided here, once (`canSee`): the public and residents see public entries only.
// The operator and auditors see every entry. An agency's officials see their own agency's
// restricted and closed entries, and another agency's restricted entry only while their agency holds
// an active access agreement for that data product. An entry a viewer may not see does not exist for
// them (404, never 403), so its existence does not leak.
import type { Role } from '../../core/auth';
import type { Pool } from '../../core/db';
import { AppError } from '../../core/errors';
import type { Locale } from '../../core/i18n';
import { assertSearchable, SearchIndex, type SearchDocument, type SearchFields } from '../services';
import {
  ACCESS_LEVELS,
  FACETS,
  FORMATS,
  THEMES,
  type AccessLevel,
  type DatasetEntry,
  type Facet,
  type Publisher,
} from './model';
import * as repository from './repository';
import { PUBLISHERS, REGIONS, seedDatasets, type DatasetSpec } from './seed';

export const DEFAULT_ROWS = 20;
/** CKAN's own ceiling for `rows`. */
export const MAX_ROWS = 1000;

/** Who is looking: decides which entries exist for them (see `canSee`). */
export interface Viewer {
  role: Role | null;
  /** The agency an official acts for. */
  agencyCode?: string | null;
  /** The data products the official's agency may read now under an active access agreement. */
  agreedProducts?: ReadonlySet<string>;
}

/** Who answers which data products an agency has agreed (the agreements module). */
export interface AgreementsPort {
  agreedProducts(agencyCode: string): Promise<string[]>;
}

export const GOVERNMENT_ROLES: readonly Role[] = ['official', 'operator', 'auditor'];
const SEES_EVERY_ENTRY: readonly Role[] = ['operator', 'auditor'];

/** The access levels that can exist for the viewer at all (government roles: every level). */
export function visibleLevels(viewer: Viewer): readonly AccessLevel[] {
  return viewer.role && GOVERNMENT_ROLES.includes(viewer.role) ? ACCESS_LEVELS : ['public'];
}

export function canSee(viewer: Viewer, entry: DatasetEntry): boolean {
  if (entry.accessLevel === 'public') return true;
  if (!viewer.role || !GOVERNMENT_ROLES.includes(viewer.role)) return false;
  if (SEES_EVERY_ENTRY.includes(viewer.role)) return true;
  if (viewer.agencyCode && entry.publisher.code === viewer.agencyCode) return true;
  return entry.accessLevel === 'restricted' && entry.dataProductId !== null && (viewer.agreedProducts?.has(entry.dataProductId) ?? false);
}

export type SortKey = 'relevance' | 'title' | 'modified' | 'id';
export interface SortOrder {
  key: SortKey;
  descending: boolean;
}

export interface DatasetQuery {
  q?: string;
  /** Facet clauses, all of which an entry must meet; a clause is met by having any of its values. */
  filters?: readonly FacetClause[];
  sort?: readonly SortOrder[];
  /** For sorting by title. */
  locale?: Locale;
  offset?: number;
  limit?: number;
}

export interface FacetClause {
  facet: Facet;
  anyOf: readonly string[];
}

export type FacetCounts = Record<Facet, Array<{ value: string; count: number }>>;

export interface DatasetSearchResult {
  items: DatasetEntry[];
  total: number;
  offset: number;
  limit: number;
  /** Counts over every match (not only this page), per facet, largest first. */
  facets: FacetCounts;
}

interface Snapshot {
  entries: DatasetEntry[];
  byId: Map<string, DatasetEntry>;
  position: Map<string, number>;
  publishers: Map<string, Publisher>;
  index: SearchIndex<DatasetSearchField>;
}

export class OpenDataCatalogue {
  private snapshot: Snapshot;

  private constructor(
    private readonly pool: Pool,
    readonly baseUrl: string,
    snapshot: Snapshot,
    private readonly agreements: AgreementsPort | undefined,
  ) {
    this.snapshot = snapshot;
  }

  /** Loads the seed into the tables if it changed, then reads the catalogue from them. */
  static async open(pool: Pool, options: { baseUrl: string; seed?: repository.CatalogueSeed; agreements?: AgreementsPort }): Promise<OpenDataCatalogue> {
    await repository.loadSeed(pool, options.seed ?? { publishers: PUBLISHERS, datasets: seedDatasets() });
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    return new OpenDataCatalogue(pool, baseUrl, await readSnapshot(pool, baseUrl), options.agreements);
  }

  /**
   * The viewer a signed-in person (or nobody) is. An official's agreed data products are read at
   * each request, so an agreement's activation or suspension shows at once.
   */
  async viewerFor(principal: { role: Role; agencyCode: string | null } | null | undefined): Promise<Viewer> {
    if (!principal) return { role: null };
    if (principal.role !== 'official' || !principal.agencyCode || !this.agreements) return { role: principal.role, agencyCode: principal.agencyCode };
    return { role: principal.role, agencyCode: principal.agencyCode, agreedProducts: new Set(await this.agreements.agreedProducts(principal.agencyCode)) };
  }

  async reload(): Promise<void> {
    this.snapshot = await readSnapshot(this.pool, this.baseUrl);
  }

  /** The entry when it exists and the viewer may see it. */
  find(id: string, viewer: Viewer): DatasetEntry | undefined {
    const entry = this.snapshot.byId.get(id);
    return entry && canSee(viewer, entry) ? entry : undefined;
  }

  /** The entry, or a 404 DATASET_NOT_FOUND problem (also when the viewer may not see it). */
  get(id: string, viewer: Viewer): DatasetEntry {
    const entry = this.find(id, viewer);
    if (!entry) throw new AppError('DATASET_NOT_FOUND', `There is no dataset "${id}" in the catalogue.`, [{ field: '/params/id', message: 'no such dataset' }]);
    return entry;
  }

  /** Every entry the viewer may see, in catalogue order. */
  entries(viewer: Viewer): DatasetEntry[] {
    return this.snapshot.entries.filter((entry) => canSee(viewer, entry));
  }

  publishers(): Publisher[] {
    return [...this.snapshot.publishers.values()];
  }

  findPublisher(code: string): Publisher | undefined {
    return this.snapshot.publishers.get(code);
  }

  /**
   * Entries the viewer may see that match the text (ranked, typo-tolerant, ko/en) and every facet
   * filter, sorted and sliced. Bad input is a VALIDATION_FAILED problem naming the field.
   */
  search(query: DatasetQuery, viewer: Viewer): DatasetSearchResult {
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_ROWS;
    if (!Number.isInteger(offset) || offset < 0) throw invalid('/querystring/start', 'must be a whole number of at least 0');
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_ROWS) throw invalid('/querystring/rows', `must be a whole number from 0 to ${MAX_ROWS}`);
    const q = query.q?.trim() ?? '';
    if (query.q !== undefined) assertSearchable(query.q);

    const scores = new Map<string, number>();
    let candidates: DatasetEntry[];
    if (q) {
      candidates = [];
      for (const hit of this.snapshot.index.search(q)) {
        scores.set(hit.id, hit.score);
        candidates.push(this.snapshot.byId.get(hit.id)!);
      }
    } else {
      candidates = this.snapshot.entries;
    }
    const filters = query.filters ?? [];
    const matching = candidates.filter((entry) => canSee(viewer, entry) && filters.every((clause) => matchesFacet(entry, clause.facet, clause.anyOf)));

    const sort = query.sort?.length ? query.sort : [{ key: q ? 'relevance' : 'id', descending: q !== '' } as SortOrder];
    const locale = query.locale ?? 'ko';
    const position = this.snapshot.position;
    const sorted = [...matching].sort((a, b) => {
      for (const order of sort) {
        const compared = compareBy(order.key, a, b, scores, locale, position);
        if (compared !== 0) return order.descending ? -compared : compared;
      }
      return position.get(a.id)! - position.get(b.id)!;
    });
    return { items: sorted.slice(offset, offset + limit), total: sorted.length, offset, limit, facets: facetCounts(sorted) };
  }
}

function compareBy(key: SortKey, a: DatasetEntry, b: DatasetEntry, scores: Map<string, number>, locale: Locale, position: Map<string, number>): number {
  switch (key) {
    case 'relevance':
      return (scores.get(a.id) ?? 0) - (scores.get(b.id) ?? 0);
    case 'title':
      return a.title[locale].localeCompare(b.title[locale], locale);
    case 'modified':
      return a.modified.localeCompare(b.modified);
    case 'id':
      return position.get(a.id)! - position.get(b.id)!;
  }
}

/** The values an entry has for a facet (an entry can have several themes or formats). */
export function facetValues(entry: DatasetEntry, facet: Facet): string[] {
  switch (facet) {
    case 'publisher':
      return [entry.publisher.code];
    case 'theme':
      return entry.themes;
    case 'format':
      return [...new Set(entry.distributions.map((d) => d.format))];
    case 'access':
      return [entry.accessLevel];
    case 'licence':
      return entry.licence ? [entry.licence] : [];
  }
}

function matchesFacet(entry: DatasetEntry, facet: Facet, wanted: readonly string[] | undefined): boolean {
  if (!wanted || wanted.length === 0) return true;
  const values = facetValues(entry, facet);
  return wanted.some((value) => values.includes(value));
}

function facetCounts(entries: readonly DatasetEntry[]): FacetCounts {
  const counts = Object.fromEntries(FACETS.map((facet) => [facet, new Map<string, number>()])) as Record<Facet, Map<string, number>>;
  for (const entry of entries) for (const facet of FACETS) for (const value of facetValues(entry, facet)) counts[facet].set(value, (counts[facet].get(value) ?? 0) + 1);
  return Object.fromEntries(
    FACETS.map((facet) => [facet, [...counts[facet]].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))]),
  ) as FacetCounts;
}

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field.split('/').pop()} ${message}`, [{ field, message }]);
}

async function readSnapshot(pool: Pool, baseUrl: string): Promise<Snapshot> {
  const [stored, resources] = await Promise.all([repository.readCatalogue(pool), repository.readResourceSummaries(pool)]);
  const publishers = new Map(stored.publishers.map((p) => [p.code, p]));
  const byDataset = new Map<string, repository.ResourceSummary[]>();
  for (const resource of resources) byDataset.set(resource.datasetId, [...(byDataset.get(resource.datasetId) ?? []), resource]);
  const entries = stored.datasets.map((spec) => withDatastoreResources(toEntry(spec, publishers, baseUrl), byDataset.get(spec.id) ?? [], baseUrl));
  return {
    entries,
    byId: new Map(entries.map((entry) => [entry.id, entry])),
    position: new Map(entries.map((entry, i) => [entry.id, i])),
    publishers,
    index: new SearchIndex(entries.map(searchDocumentOf), DATASET_SEARCH_FIELDS),
  };
}

type DatasetSearchField = 'title' | 'keywords' | 'themes' | 'publisher' | 'description' | 'coverage';

/** How an entry's texts weigh in search: title most, then keywords, themes, publisher, description, coverage and formats. */
export const DATASET_SEARCH_FIELDS: SearchFields<DatasetSearchField> = {
  weights: { title: 10, keywords: 6, themes: 4, publisher: 3, description: 2, coverage: 1 },
  name: 'title',
  typoTolerant: ['title', 'keywords'],
};

/** What search looks at in an entry, field by field (see DATASET_SEARCH_FIELDS). */
export function searchDocumentOf(entry: DatasetEntry): SearchDocument<DatasetSearchField> {
  return {
    id: entry.id,
    fields: {
      title: `${entry.title.ko} ${entry.title.en}`,
      keywords: `${entry.keywords.ko.join(' ')} ${entry.keywords.en.join(' ')}`,
      themes: entry.themes.map((theme) => `${THEMES[theme].ko} ${THEMES[theme].en}`).join(' '),
      publisher: `${entry.publisher.name.ko} ${entry.publisher.name.en} ${entry.publisher.code}`,
      description: `${entry.description.ko} ${entry.description.en}`,
      coverage: `${entry.spatial.name.ko} ${entry.spatial.name.en} ${entry.distributions.map((d) => d.format).join(' ')}`,
    },
  };
}

/**
 * A dataset's uploaded tables (the datastore) as distributions: a CSV download whose access URL is
 * the datastore API (its id is the resource id CKAN clients pass to datastore_search), a JSON
 * download, and the datastore_search data service serving them.
 */
function withDatastoreResources(entry: DatasetEntry, resources: readonly repository.ResourceSummary[], baseUrl: string): DatasetEntry {
  if (resources.length === 0) return entry;
  const service = {
    id: `${entry.id}-datastore`,
    title: { ko: `${entry.title.ko} 데이터 검색 API(CKAN datastore_search)`, en: `${entry.title.en} data API (CKAN datastore_search)` },
    endpointUrl: `${baseUrl}/api/3/action/datastore_search`,
    endpointDescription: `${baseUrl}/openapi.json`,
  };
  const distributions = resources.flatMap((resource) => [
    {
      id: resource.id,
      title: { ko: `${resource.title.ko} (CSV)`, en: `${resource.title.en} (CSV)` },
      format: 'CSV' as const,
      mediaType: FORMATS.CSV.mediaType,
      accessUrl: `${baseUrl}/api/3/action/datastore_search?resource_id=${resource.id}`,
      downloadUrl: `${baseUrl}/datasets/${entry.id}/resources/${resource.id}/download.csv`,
      accessServiceId: service.id,
    },
    {
      id: `${resource.id}-json`,
      title: { ko: `${resource.title.ko} (JSON)`, en: `${resource.title.en} (JSON)` },
      format: 'JSON' as const,
      mediaType: FORMATS.JSON.mediaType,
      accessUrl: `${baseUrl}/api/3/action/datastore_search?resource_id=${resource.id}`,
      downloadUrl: `${baseUrl}/datasets/${entry.id}/resources/${resource.id}/download.json`,
      accessServiceId: service.id,
    },
  ]);
  return { ...entry, distributions: [...entry.distributions, ...distributions], services: [...entry.services, service] };
}

function absolute(baseUrl: string, url: string): string {
  return url.startsWith('/') ? `${baseUrl}${url}` : url;
}

const FILE_EXTENSIONS: Record<keyof typeof FORMATS, string> = { CSV: 'csv', JSON: 'json', XML: 'xml', XLSX: 'xlsx', GEOJSON: 'geojson', SHP: 'zip', PDF: 'pdf' };

function toEntry(spec: DatasetSpec, publishers: Map<string, Publisher>, baseUrl: string): DatasetEntry {
  const publisher = publishers.get(spec.publisher) ?? { code: spec.publisher, name: { ko: spec.publisher, en: spec.publisher }, homepage: baseUrl };
  const landing = `${baseUrl}/datasets/${spec.id}`;
  const services = spec.api
    ? [
        {
          id: `${spec.id}-api`,
          title: spec.accessLevel === 'restricted'
            ? { ko: `${spec.title.ko} (정보 공동이용 API)`, en: `${spec.title.en} (once-only exchange API)` }
            : { ko: `${spec.title.ko} 오픈 API`, en: `${spec.title.en} open API` },
          endpointUrl: absolute(baseUrl, spec.api.endpointUrl),
          endpointDescription: absolute(baseUrl, spec.api.endpointDescription),
        },
      ]
    : [];
  const files = spec.formats.map((format) => ({
    id: `${spec.id}-${format.toLowerCase()}`,
    title: { ko: `${spec.title.ko} (${format})`, en: `${spec.title.en} (${format})` },
    format,
    mediaType: FORMATS[format].mediaType,
    accessUrl: landing,
    downloadUrl: `${baseUrl}/datasets/${spec.id}/files/${spec.id}.${FILE_EXTENSIONS[format]}`,
    accessServiceId: null,
  }));
  const apiDistributions = services.map((service) => ({
    id: `${service.id}-json`,
    title: service.title,
    format: 'JSON' as const,
    mediaType: FORMATS.JSON.mediaType,
    accessUrl: service.endpointUrl,
    downloadUrl: null,
    accessServiceId: service.id,
  }));
  return {
    id: spec.id,
    title: spec.title,
    description: spec.description,
    publisher,
    themes: spec.themes,
    keywords: spec.keywords,
    licence: spec.licence,
    frequency: spec.frequency,
    temporal: spec.temporal,
    spatial: { code: spec.spatial, name: REGIONS[spec.spatial] ?? { ko: spec.spatial, en: spec.spatial } },
    contact: {
      name: { ko: `${publisher.name.ko} 데이터 담당`, en: `${publisher.name.en}, data office` },
      email: `opendata.${publisher.code.toLowerCase()}@oncegov.example`,
    },
    accessLevel: spec.accessLevel,
    distributions: [...files, ...apiDistributions],
    services,
    issued: spec.issued,
    modified: spec.modified,
    dataProductId: spec.dataProductId,
  };
}
