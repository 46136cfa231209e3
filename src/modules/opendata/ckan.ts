// The CKAN action API subset over the catalogue (CKAN 2.10 shapes), so existing CKAN clients work:
// GET /api/3/action/package_search (q, fq, rows, start, sort, facet.field, facet.limit,
// include_private) and GET /api/3/action/package_show?id=…. Answers are CKAN's envelope
// {help, success, result}; errors are CKAN's too, {help, success: false, error: {__type, …}}, with
// CKAN's statuses: 409 for a Validation Error (what ckanapi and other clients expect), 404 for
// Not Found. Restricted and closed entries are "private" packages that exist only for officials.
//
// fq supports the facet fields as Solr clauses, ANDed: `organization:mois`, `groups:envi`,
// `res_format:CSV`, `license_id:KOGL-Type1`, `access_level:restricted`, with `+` prefixes, quoted
// values, `AND` between clauses and `field:(A OR B)` for alternatives. Anything else is refused.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../core/errors';
import type { Locale } from '../../core/i18n';
import type { FacetClause, OpenDataCatalogue, SortOrder, Viewer } from './catalogue';
import { MAX_ROWS } from './catalogue';
import { FREQUENCIES, LICENCE_CODES, LICENCES, THEMES, type DatasetEntry, type Facet } from './model';
import { facetLabel } from './pages';
import { setCaching, viewerOf } from './routes';

/** CKAN's facet field names and the catalogue facets they stand for. */
export const CKAN_FACETS: Record<string, Facet> = {
  organization: 'publisher',
  groups: 'theme',
  res_format: 'format',
  access_level: 'access',
  license_id: 'licence',
};
const DEFAULT_FACET_FIELDS = Object.keys(CKAN_FACETS);
const DEFAULT_ROWS = 10;

type CkanErrorType = 'Validation Error' | 'Not Found Error';

export class CkanError extends Error {
  constructor(
    readonly type: CkanErrorType,
    readonly details: Record<string, unknown>,
  ) {
    super(type);
  }
  get status(): number {
    return this.type === 'Not Found Error' ? 404 : 409;
  }
}

const validation = (field: string, message: string) => new CkanError('Validation Error', { [field]: [message] });

/** A facet value as CKAN names it (organizations and groups are lower-case slugs). */
function ckanValue(facet: Facet, value: string): string {
  return facet === 'publisher' || facet === 'theme' ? value.toLowerCase() : value;
}

/** A CKAN facet value as the catalogue names it; matched case-insensitively, since clients write `CSV`, `csv` and `MOIS`, `mois` alike. */
function catalogueValue(facet: Facet, value: string): string {
  switch (facet) {
    case 'publisher':
    case 'theme':
    case 'format':
      return value.toUpperCase();
    case 'access':
      return value.toLowerCase();
    case 'licence':
      return LICENCE_CODES.find((code) => code.toLowerCase() === value.toLowerCase()) ?? value;
  }
}

const CLAUSE = /^\+?([a-z_]+):(?:"([^"]*)"|\(([^()]*)\)|([^\s"()]+))$/;

/** Parses fq into facet clauses; throws a Validation Error naming fq for anything unsupported. */
export function parseFq(fq: string): FacetClause[] {
  const tokens = fq.match(/\+?[a-z_]+:(?:"[^"]*"|\([^()]*\)|[^\s"()]+)|\S+/g) ?? [];
  const clauses: FacetClause[] = [];
  for (const token of tokens) {
    if (token === 'AND' || token === '&&') continue;
    const match = CLAUSE.exec(token);
    if (!match) throw validation('fq', `Cannot parse "${token}": use field:value clauses with the fields ${DEFAULT_FACET_FIELDS.join(', ')}`);
    const [, field, quoted, group, bare] = match;
    const facet = CKAN_FACETS[field!];
    if (!facet) throw validation('fq', `Unsupported field "${field}": use ${DEFAULT_FACET_FIELDS.join(', ')}`);
    let values: string[];
    if (group !== undefined) {
      values = group.split(/\s+OR\s+/).map((v) => v.trim().replace(/^"|"$/g, ''));
      if (values.some((v) => v === '' || /\s/.test(v))) throw validation('fq', `Cannot parse "${token}": use field:(A OR B)`);
    } else values = [quoted ?? bare!];
    clauses.push({ facet, anyOf: values.map((v) => catalogueValue(facet, v)) });
  }
  return clauses;
}

const SORT_KEYS: Record<string, SortOrder['key']> = { score: 'relevance', metadata_modified: 'modified', title_string: 'title', name: 'id' };

export function parseSort(sort: string): SortOrder[] {
  return sort.split(',').map((part) => {
    const [field, direction = 'asc', ...rest] = part.trim().split(/\s+/);
    const key = SORT_KEYS[field ?? ''];
    if (!key || rest.length || !['asc', 'desc'].includes(direction)) {
      throw validation('sort', `Cannot sort by "${part.trim()}": use ${Object.keys(SORT_KEYS).join(', ')} with asc or desc`);
    }
    return { key, descending: direction === 'desc' };
  });
}

function integerParam(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d{1,9}$/.test(value)) throw validation(name, 'Invalid integer');
  const n = Number(value);
  if (n > max) throw validation(name, `Must be less than or equal to ${max}`);
  return n;
}

/** A catalogue entry as a CKAN package dict (with ckanext-fluent's *_translated fields). */
export function packageOf(entry: DatasetEntry, locale: Locale, catalogue: OpenDataCatalogue): Record<string, unknown> {
  const organization = {
    id: entry.publisher.code.toLowerCase(),
    name: entry.publisher.code.toLowerCase(),
    title: entry.publisher.name[locale],
    title_translated: entry.publisher.name,
    type: 'organization',
    is_organization: true,
    state: 'active',
    approval_status: 'approved',
  };
  const tags = [...entry.keywords.ko, ...entry.keywords.en].map((name) => ({ name, display_name: name, state: 'active', vocabulary_id: null }));
  const extras: Array<{ key: string; value: string }> = [
    { key: 'access_level', value: entry.accessLevel },
    { key: 'frequency', value: `http://publications.europa.eu/resource/authority/frequency/${entry.frequency}` },
    { key: 'spatial_text', value: entry.spatial.name[locale] },
    { key: 'contact_email', value: entry.contact.email },
  ];
  if (entry.temporal) {
    extras.push({ key: 'temporal_start', value: entry.temporal.start });
    if (entry.temporal.end) extras.push({ key: 'temporal_end', value: entry.temporal.end });
  }
  if (entry.dataProductId) extras.push({ key: 'data_product_id', value: entry.dataProductId });
  return {
    id: entry.id,
    name: entry.id,
    title: entry.title[locale],
    title_translated: entry.title,
    notes: entry.description[locale],
    notes_translated: entry.description,
    type: 'dataset',
    state: 'active',
    private: entry.accessLevel !== 'public',
    access_level: entry.accessLevel,
    url: `${catalogue.baseUrl}/datasets/${entry.id}`,
    version: null,
    author: entry.publisher.name[locale],
    author_email: null,
    maintainer: entry.contact.name[locale],
    maintainer_email: entry.contact.email,
    license_id: entry.licence ?? 'notspecified',
    license_title: entry.licence ? LICENCES[entry.licence].title[locale] : 'License not specified',
    license_url: entry.licence ? LICENCES[entry.licence].uri : null,
    metadata_created: `${entry.issued}T00:00:00`,
    metadata_modified: `${entry.modified}T00:00:00`,
    owner_org: organization.id,
    organization,
    groups: entry.themes.map((theme) => ({ id: theme.toLowerCase(), name: theme.toLowerCase(), title: THEMES[theme][locale], display_name: THEMES[theme][locale] })),
    tags,
    num_tags: tags.length,
    resources: entry.distributions.map((d, position) => ({
      id: d.id,
      package_id: entry.id,
      name: d.title[locale],
      description: d.accessServiceId ? entry.services.find((s) => s.id === d.accessServiceId)?.title[locale] ?? '' : '',
      format: d.format,
      mimetype: d.mediaType,
      url: d.downloadUrl ?? d.accessUrl,
      access_url: d.accessUrl,
      download_url: d.downloadUrl,
      position,
      state: 'active',
      url_type: null,
    })),
    num_resources: entry.distributions.length,
    extras,
    frequency_title: FREQUENCIES[entry.frequency][locale],
  };
}

export function ckanRoutes(catalogue: OpenDataCatalogue) {
  const help = (action: string) => `${catalogue.baseUrl}/api/3/action/help_show?name=${action}`;

  async function answer(request: FastifyRequest, reply: FastifyReply, action: string, run: (viewer: Viewer) => unknown) {
    try {
      if (request.validationError) throw new CkanError('Validation Error', { message: 'Each parameter may be given once, as text' });
      const viewer = await viewerOf(request, catalogue);
      const result = run(viewer);
      setCaching(reply, viewer);
      return reply.send({ help: help(action), success: true, result });
    } catch (error) {
      let ckan: CkanError | undefined;
      if (error instanceof CkanError) ckan = error;
      else if (error instanceof AppError && error.code === 'VALIDATION_FAILED') {
        const field = error.errors?.[0]?.field.split('/').pop() ?? 'message';
        ckan = validation(field, error.errors?.[0]?.message ?? error.message);
      } else if (error instanceof AppError && error.code === 'DATASET_NOT_FOUND') ckan = new CkanError('Not Found Error', { message: 'Not found' });
      if (!ckan) throw error;
      return reply.code(ckan.status).send({ help: help(action), success: false, error: { __type: ckan.type, ...ckan.details } });
    }
  }

  const Text = Type.Optional(Type.String({ maxLength: 2000 }));
  const envelope = { description: 'CKAN answer: {help, success, result} or {help, success: false, error: {__type, …}} (409 Validation Error, 404 Not Found Error)', type: 'object', additionalProperties: true };

  return async function routes(app: FastifyInstance): Promise<void> {
    app.get(
      '/api/3/action/package_search',
      {
        attachValidation: true,
        schema: {
          tags: ['opendata'],
          summary: 'CKAN package_search over the data catalogue: q (ko/en, typo-tolerant), fq (facet clauses), rows, start, sort, facet.field; private (restricted, closed) packages for officials only',
          security: [],
          querystring: Type.Object({ q: Text, fq: Text, rows: Text, start: Text, sort: Text, 'facet.field': Text, 'facet.limit': Text, include_private: Text, lang: Text }),
          response: { 200: envelope, 404: envelope, 409: envelope },
        },
      },
      async (request, reply) =>
        answer(request, reply, 'package_search', (viewer) => {
          const query = request.query as Record<string, string | undefined>;
          const rows = integerParam('rows', query.rows, DEFAULT_ROWS, MAX_ROWS);
          const start = integerParam('start', query.start, 0, 1_000_000);
          const facetLimit = query['facet.limit'] === '-1' ? Infinity : integerParam('facet.limit', query['facet.limit'], 50, 1000);
          const q = query.q === undefined || query.q.trim() === '*:*' ? '' : query.q;
          const filters = query.fq ? parseFq(query.fq) : [];
          const sort = query.sort ? parseSort(query.sort) : undefined;
          let facetFields = DEFAULT_FACET_FIELDS;
          if (query['facet.field'] !== undefined) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(query['facet.field']);
            } catch {
              throw validation('facet.field', 'Must be a JSON list of field names');
            }
            if (!Array.isArray(parsed) || parsed.some((f) => typeof f !== 'string' || !(f in CKAN_FACETS))) {
              throw validation('facet.field', `Must be a JSON list of ${DEFAULT_FACET_FIELDS.join(', ')}`);
            }
            facetFields = parsed as string[];
          }
          if (query.include_private !== undefined && !['true', 'false', 'True', 'False'].includes(query.include_private)) throw validation('include_private', 'Must be true or false');
          if (query.include_private?.toLowerCase() === 'false') filters.push({ facet: 'access', anyOf: ['public'] });

          const locale = request.locale;
          const result = catalogue.search({ q, filters, sort, offset: start, limit: rows, locale }, viewer);
          const facets: Record<string, Record<string, number>> = {};
          const searchFacets: Record<string, unknown> = {};
          for (const field of facetFields) {
            const facet = CKAN_FACETS[field]!;
            const items = result.facets[facet].slice(0, facetLimit);
            facets[field] = Object.fromEntries(items.map((item) => [ckanValue(facet, item.value), item.count]));
            searchFacets[field] = {
              title: field,
              items: items.map((item) => ({ name: ckanValue(facet, item.value), display_name: facetLabel(locale, catalogue, facet, item.value), count: item.count })),
            };
          }
          return {
            count: result.total,
            sort: query.sort ?? (q ? 'score desc, metadata_modified desc' : 'name asc'),
            facets,
            search_facets: searchFacets,
            results: result.items.map((entry) => packageOf(entry, locale, catalogue)),
          };
        }),
    );

    app.get(
      '/api/3/action/package_show',
      {
        attachValidation: true,
        schema: {
          tags: ['opendata'],
          summary: 'CKAN package_show: one catalogue entry as a CKAN package (by id or name); a private package only for officials',
          security: [],
          querystring: Type.Object({ id: Text, lang: Text }),
          response: { 200: envelope, 404: envelope, 409: envelope },
        },
      },
      async (request, reply) =>
        answer(request, reply, 'package_show', (viewer) => {
          const { id } = request.query as { id?: string };
          if (id === undefined || id.trim() === '') throw validation('id', 'Missing value');
          return packageOf(catalogue.get(id.trim(), viewer), request.locale, catalogue);
        }),
    );
  };
}
