// The catalogue's pages and its DCAT-AP output: /catalog (HTML), /catalog.jsonld and /catalog.ttl
// (paged), /datasets/{id} (HTML), /datasets/{id}.jsonld and .ttl. What a viewer gets depends on
// who they are (see catalogue.ts): restricted and closed entries exist only for government roles.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LocaleQuery, pageSchema, problemResponses } from '../../core/schemas';
import { visibleLevels, type OpenDataCatalogue, type Viewer } from './catalogue';
import { catalogueNodes, datasetNode } from './dcat';
import { FACETS, type Facet } from './model';
import { renderCatalogue, renderDataset, type FacetSelection } from './pages';
import { toJsonLd, toTurtle } from './rdf';

export const JSONLD_TYPE = 'application/ld+json; charset=utf-8';
export const TURTLE_TYPE = 'text/turtle; charset=utf-8';
const DCAT_PAGE_SIZE = 50;

/** The RDF format an Accept header asks for ahead of HTML (a DCAT harvester), if any. */
export function rdfFormatAsked(accept: string | undefined): 'jsonld' | 'ttl' | null {
  if (!accept || accept.includes('text/html')) return null;
  if (accept.includes('application/ld+json')) return 'jsonld';
  if (accept.includes('text/turtle')) return 'ttl';
  return null;
}

export function viewerOf(request: FastifyRequest, catalogue: OpenDataCatalogue): Promise<Viewer> {
  return catalogue.viewerFor(request.principal);
}

/**
 * What a viewer gets depends on their session: shared caches may keep the public view only, and
 * government views (restricted and closed entries) are never stored.
 */
export function setCaching(reply: FastifyReply, viewer: Viewer): void {
  reply.header('vary', 'cookie');
  reply.header('cache-control', visibleLevels(viewer).length > 1 ? 'private, no-store' : 'public, max-age=300');
}

const FacetValues = Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9._-]{1,40}$' }), { maxItems: 30 }));
const CatalogueQuery = Type.Object({
  lang: LocaleQuery.properties.lang,
  q: Type.Optional(Type.String({ maxLength: 1000 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  ...(Object.fromEntries(FACETS.map((facet) => [facet, FacetValues])) as Record<Facet, typeof FacetValues>),
});
const DcatPageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: '1-based page' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: `Datasets per page (default ${DCAT_PAGE_SIZE})` })),
});
const DatasetParams = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9]+([.-][a-z0-9]+)*(\\.jsonld|\\.ttl)?$', maxLength: 110, description: 'Dataset id, optionally with .jsonld or .ttl' }),
});
const RDF_RESPONSES = {
  description: 'DCAT-AP 3 in JSON-LD or Turtle',
  content: { 'application/ld+json': { schema: { type: 'object' } }, 'text/turtle': { schema: { type: 'string' } } },
};

export function openDataRoutes(catalogue: OpenDataCatalogue) {
  const baseUrl = catalogue.baseUrl;

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/catalog',
      {
        schema: {
          ...pageSchema('The data catalogue: search (Korean or English) with facets (publisher, theme, format, access level, licence), no JavaScript needed; Accept: application/ld+json or text/turtle redirects to the DCAT output', { errors: [400] }),
          querystring: CatalogueQuery,
        },
      },
      async (request, reply) => {
        const asked = rdfFormatAsked(request.headers.accept);
        if (asked) return reply.header('vary', 'accept, cookie').redirect(`/catalog.${asked}`, 303);
        const query = request.query;
        const selection: FacetSelection = Object.fromEntries(FACETS.map((facet) => [facet, query[facet] ?? []]));
        const viewer = await viewerOf(request, catalogue);
        setCaching(reply, viewer);
        return renderCatalogue(request, reply, catalogue, viewer, { q: query.q?.trim() ?? '', selection, page: query.page ?? 1 });
      },
    );

    for (const format of ['jsonld', 'ttl'] as const) {
      app.get(
        `/catalog.${format}`,
        {
          schema: {
            tags: ['opendata'],
            summary: `The catalogue in DCAT-AP 3 (${format === 'jsonld' ? 'JSON-LD' : 'Turtle'}), paged with hydra:PagedCollection; restricted and closed entries for officials only`,
            security: [],
            querystring: DcatPageQuery,
            response: { 200: RDF_RESPONSES, ...problemResponses(400) },
          },
        },
        async (request, reply) => {
          const viewer = await viewerOf(request, catalogue);
          const page = request.query.page ?? 1;
          const pageSize = request.query.pageSize ?? DCAT_PAGE_SIZE;
          const visible = catalogue.entries(viewer);
          const entries = visible.slice((page - 1) * pageSize, page * pageSize);
          const modified = visible.reduce((latest, entry) => (entry.modified > latest ? entry.modified : latest), '2000-01-01');
          const nodes = catalogueNodes(baseUrl, {
            pageUrl: (n) => `/catalog.${format}?page=${n}${request.query.pageSize ? `&pageSize=${pageSize}` : ''}`,
            page,
            pageSize,
            total: visible.length,
            entries,
            modified,
          });
          setCaching(reply, viewer);
          if (format === 'jsonld') return reply.type(JSONLD_TYPE).send(JSON.stringify(toJsonLd(nodes)));
          return reply.type(TURTLE_TYPE).send(toTurtle(nodes));
        },
      );
    }

    app.get(
      '/datasets/:id',
      {
        schema: {
          tags: ['opendata'],
          summary: 'One catalogue entry: HTML page, or DCAT-AP 3 with the .jsonld or .ttl suffix (404 when the viewer may not see it)',
          security: [],
          params: DatasetParams,
          querystring: LocaleQuery,
          response: {
            200: { description: 'HTML page, JSON-LD or Turtle', content: { 'text/html': { schema: { type: 'string' } }, ...RDF_RESPONSES.content } },
            ...problemResponses(400, 404),
          },
        },
      },
      async (request, reply) => {
        const raw = request.params.id;
        const format = raw.endsWith('.jsonld') ? 'jsonld' : raw.endsWith('.ttl') ? 'ttl' : (rdfFormatAsked(request.headers.accept) ?? 'html');
        const suffixed = /\.(jsonld|ttl)$/.test(raw);
        const id = suffixed ? raw.slice(0, raw.lastIndexOf('.')) : raw;
        const viewer = await viewerOf(request, catalogue);
        const entry = catalogue.get(id, viewer);
        setCaching(reply, viewer);
        if (!suffixed) reply.header('vary', 'accept, cookie');
        if (format === 'html') return renderDataset(request, reply, entry);
        const nodes = [datasetNode(baseUrl, entry)];
        if (format === 'jsonld') return reply.type(JSONLD_TYPE).send(JSON.stringify(toJsonLd(nodes)));
        return reply.type(TURTLE_TYPE).send(toTurtle(nodes));
      },
    );
  };
}
