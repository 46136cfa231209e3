// HTTP API of the service catalogue: public, no sign-in. Services (search, filters, pages), one
// service, the ten life events with their service counts, and bundles.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { problemResponses } from '../../core/schemas';
import type { ServiceBundle } from './model';
import { BundleIdParams, BundleListSchema, BundleSchema, LifeEventListSchema, ServiceIdParams, ServiceListQuery, ServicePageSchema, ServiceSchema } from './schema';
import type { ServiceCatalogue } from './service';

const CACHE = 'public, max-age=300';

export function serviceRoutes(catalogue: ServiceCatalogue) {
  const bundleView = (bundle: ServiceBundle) => ({
    ...bundle,
    services: catalogue.bundleServices(bundle).map((s) => ({ id: s.id, name: s.name, agency: s.agency })),
  });

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/v1/services',
      {
        schema: {
          tags: ['services'],
          summary: 'Services in the catalogue: search (Korean or English, ranked) and filter by life event, agency and channel, in pages',
          security: [],
          querystring: ServiceListQuery,
          response: { 200: ServicePageSchema, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        const { q, lifeEvent, agency, channel, page, pageSize } = request.query as Static<typeof ServiceListQuery>;
        return reply.header('cache-control', CACHE).send(catalogue.listServices({ q, lifeEvent, agency, channel, page, pageSize }));
      },
    );

    app.get(
      '/api/v1/services/:id',
      {
        schema: {
          tags: ['services'],
          summary: 'One service: documents (which the platform fetches, which you upload), processing time, fee, legal basis, contact, channels',
          security: [],
          params: ServiceIdParams,
          response: { 200: ServiceSchema, ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => reply.header('cache-control', CACHE).send(catalogue.getService(request.params.id)),
    );

    app.get(
      '/api/v1/life-events',
      {
        schema: { tags: ['services'], summary: 'The ten life events, each with how many services it has', security: [], response: { 200: LifeEventListSchema } },
      },
      async (_request, reply) => reply.header('cache-control', CACHE).send({ items: catalogue.lifeEvents() }),
    );

    app.get(
      '/api/v1/service-bundles',
      {
        schema: { tags: ['services'], summary: 'Bundles: one application for several services (e.g. happy-childbirth)', security: [], response: { 200: BundleListSchema } },
      },
      async (_request, reply) => reply.header('cache-control', CACHE).send({ items: catalogue.bundles().map(bundleView) }),
    );

    app.get(
      '/api/v1/service-bundles/:id',
      {
        schema: {
          tags: ['services'],
          summary: 'One bundle with its member services',
          security: [],
          params: BundleIdParams,
          response: { 200: BundleSchema, ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => reply.header('cache-control', CACHE).send(bundleView(catalogue.getBundle(request.params.id))),
    );
  };
}
