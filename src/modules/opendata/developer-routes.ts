// HTTP API of the open data portal's developers, usage statistics and data requests:
// /api/v1/developers/me (register, profile with keys and their usage), …/keys (issue, revoke),
// /api/v1/opendata/usage (open: use per dataset), /api/v1/data-requests (public list and pages;
// file, answer, mediation, the committee's outcome).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { problemResponses } from '../../core/schemas';
import { API_KEY_ID_PATTERN, type DeveloperService } from './api-keys';
import { DATA_REQUEST_STATES, type DataRequestService, type DataRequestState } from './data-requests';
import type { UsageStatistics } from './usage';
import type { OpenDataCatalogue } from './catalogue';
import { setCaching, viewerOf } from './routes';

export function contextOf(request: FastifyRequest) {
  return { principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id };
}

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const DeveloperSchema = Type.Object({
  accountId: Type.String(),
  name: Type.String(),
  email: Type.String(),
  purpose: Type.String(),
  registeredAt: Type.String({ format: 'date-time' }),
});
const KeySchema = Type.Object({
  id: Type.String(),
  label: Type.String(),
  hint: Type.String({ description: 'The key\'s first characters' }),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
  revokedReason: Nullable(Type.String()),
});
const KeyUsageSchema = Type.Object({
  keyId: Type.String(),
  requests: Type.Integer(),
  datasets: Type.Array(Type.Object({ datasetId: Type.String({ description: '"" for requests about no one dataset (searches)' }), requests: Type.Integer() })),
});
const DatasetUsageSchema = Type.Object({
  datasetId: Type.String(),
  since: Type.String({ format: 'date' }),
  requests: Type.Integer(),
  keyedRequests: Type.Integer(),
  keys: Type.Integer(),
  daily: Type.Array(Type.Object({ day: Type.String({ format: 'date' }), requests: Type.Integer() })),
});
const StateSchema = Type.Unsafe<DataRequestState>({ type: 'string', enum: [...DATA_REQUEST_STATES] });
const DataRequestSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  agencyCode: Type.String(),
  state: StateSchema,
  datasetId: Nullable(Type.String()),
  plannedDate: Nullable(Type.String({ format: 'date' })),
  releaseDueDate: Nullable(Type.String({ format: 'date' })),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
const DataRequestDetailSchema = Type.Intersect([
  DataRequestSchema,
  Type.Object({
    events: Type.Array(
      Type.Object({
        occurredAt: Type.String({ format: 'date-time' }),
        step: Type.String(),
        actorRole: Type.String(),
        actorAgency: Nullable(Type.String()),
        fromState: Type.Union([StateSchema, Type.Null()]),
        toState: StateSchema,
        reason: Nullable(Type.String()),
        datasetId: Nullable(Type.String()),
        date: Nullable(Type.String({ format: 'date' })),
      }),
    ),
  }),
]);
const RequestIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1, description: 'Data request number' }) });
const Text = (max: number, description?: string) => Type.Optional(Type.String({ maxLength: max, ...(description ? { description } : {}) }));

export function developerRoutes(deps: { developers: DeveloperService; usage: UsageStatistics; dataRequests: DataRequestService; catalogue: OpenDataCatalogue }) {
  const { developers, usage, dataRequests, catalogue } = deps;
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/api/v1/developers/me',
      {
        schema: {
          tags: ['opendata'],
          summary: 'Register the signed-in person as a developer of the open data API (audited)',
          body: Type.Object({ name: Type.String({ maxLength: 200 }), email: Type.String({ maxLength: 300 }), purpose: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
          response: { 201: DeveloperSchema, ...problemResponses(400, 401, 409) },
        },
      },
      async (request, reply) => reply.status(201).header('cache-control', 'no-store').send(await developers.register(contextOf(request), request.body)),
    );

    app.get(
      '/api/v1/developers/me',
      {
        schema: {
          tags: ['opendata'],
          summary: 'The signed-in developer\'s profile, API keys (never their secrets) and each key\'s use over the last 30 days (audited read)',
          response: { 200: Type.Object({ developer: Type.Union([DeveloperSchema, Type.Null()]), keys: Type.Array(KeySchema), usage: Type.Array(KeyUsageSchema) }), ...problemResponses(401) },
        },
      },
      async (request, reply) => {
        const profile = await developers.profile(contextOf(request));
        const keyUsage = await usage.forKeys(profile.keys.map((k) => k.id));
        return reply.header('cache-control', 'no-store').send({ ...profile, usage: keyUsage });
      },
    );

    app.post(
      '/api/v1/developers/me/keys',
      {
        schema: {
          tags: ['opendata'],
          summary: 'Issue an API key; the answer is the only time the key is shown (audited). Send it as X-API-Key or Authorization.',
          body: Type.Object({ label: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
          response: { 201: Type.Intersect([KeySchema, Type.Object({ key: Type.String() })]), ...problemResponses(400, 401, 409) },
        },
      },
      async (request, reply) => reply.status(201).header('cache-control', 'no-store').send(await developers.issueKey(contextOf(request), request.body.label)),
    );

    app.post(
      '/api/v1/developers/me/keys/:id/revoke',
      {
        schema: {
          tags: ['opendata'],
          summary: 'Revoke one of your API keys: the next request presenting it is refused with 401 API_KEY_REVOKED (audited)',
          params: Type.Object({ id: Type.String({ pattern: API_KEY_ID_PATTERN }) }),
          body: Type.Optional(Type.Object({ reason: Text(500) }, { additionalProperties: false })),
          response: { 200: KeySchema, ...problemResponses(400, 401, 404, 409) },
        },
      },
      async (request) => developers.revokeKey(contextOf(request), request.params.id, request.body?.reason),
    );

    app.get(
      '/api/v1/opendata/usage',
      {
        schema: {
          tags: ['opendata'],
          summary: 'Open usage statistics: requests to the open data API per dataset over the last 30 days (Korea time), most used first; entries the viewer may not see are left out',
          security: [],
          response: { 200: Type.Object({ days: Type.Integer(), items: Type.Array(Type.Object({ datasetId: Type.String(), requests: Type.Integer(), keyedRequests: Type.Integer() })) }) },
        },
      },
      async (request, reply) => {
        // Usage of an entry the viewer may not see would reveal that it exists.
        const viewer = await viewerOf(request, catalogue);
        const items = (await usage.allDatasets(30)).filter((d) => catalogue.find(d.datasetId, viewer));
        setCaching(reply, viewer);
        return reply.send({ days: 30, items });
      },
    );

    app.get(
      '/api/v1/opendata/usage/:datasetId',
      {
        schema: {
          tags: ['opendata'],
          summary: 'Open usage statistics of one dataset: requests per day over the last 30 days, with and without an API key',
          security: [],
          params: Type.Object({ datasetId: Type.String({ pattern: '^[a-z0-9]+([.-][a-z0-9]+)*$', maxLength: 100 }) }),
          response: { 200: DatasetUsageSchema, ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const viewer = await viewerOf(request, catalogue);
        catalogue.get(request.params.datasetId, viewer);
        setCaching(reply, viewer);
        return reply.send(await usage.forDataset(request.params.datasetId));
      },
    );

    app.get(
      '/api/v1/data-requests',
      {
        schema: {
          tags: ['opendata'],
          summary: 'Data requests (the public asks agencies to release datasets), most recently changed first; public',
          security: [],
          querystring: Type.Object({
            state: Type.Optional(StateSchema),
            agency: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          }),
          response: { 200: Type.Object({ items: Type.Array(DataRequestSchema), total: Type.Integer() }), ...problemResponses(400) },
        },
      },
      async (request) => dataRequests.list({ state: request.query.state as DataRequestState | undefined, agencyCode: request.query.agency, offset: request.query.offset, limit: request.query.limit }),
    );

    app.get(
      '/api/v1/data-requests/:id',
      {
        schema: {
          tags: ['opendata'],
          summary: 'One data request with its public history (answers, mediation and its outcome)',
          security: [],
          params: RequestIdParams,
          response: { 200: DataRequestDetailSchema, ...problemResponses(400, 404) },
        },
      },
      async (request) => dataRequests.get(request.params.id),
    );

    app.post(
      '/api/v1/data-requests',
      {
        schema: {
          tags: ['opendata'],
          summary: 'Ask an agency to release a dataset (signed in; audited)',
          body: Type.Object({ title: Type.String({ maxLength: 400 }), description: Type.String({ maxLength: 8000 }), agencyCode: Type.String({ maxLength: 20 }) }, { additionalProperties: false }),
          response: { 201: DataRequestDetailSchema, ...problemResponses(400, 401) },
        },
      },
      async (request, reply) => {
        const created = await dataRequests.submit(contextOf(request), request.body);
        return reply.status(201).header('location', `/api/v1/data-requests/${created.id}`).send(created);
      },
    );

    app.post(
      '/api/v1/data-requests/:id/answer',
      {
        schema: {
          tags: ['opendata'],
          summary: 'The publisher agency\'s answer (its officials): planned (plannedDate), released (datasetId) or refused (reason); audited',
          params: RequestIdParams,
          body: Type.Object(
            { decision: Type.Union([Type.Literal('planned'), Type.Literal('released'), Type.Literal('refused')]), reason: Text(4000), datasetId: Text(100), plannedDate: Text(10, 'YYYY-MM-DD') },
            { additionalProperties: false },
          ),
          response: { 200: DataRequestDetailSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => dataRequests.answer(contextOf(request), request.params.id, request.body),
    );

    app.post(
      '/api/v1/data-requests/:id/mediation',
      {
        schema: {
          tags: ['opendata'],
          summary: 'The requester takes a refused request to the Open Data Mediation Committee, saying why (audited)',
          params: RequestIdParams,
          body: Type.Object({ reason: Type.String({ maxLength: 4000 }) }, { additionalProperties: false }),
          response: { 200: DataRequestDetailSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => dataRequests.requestMediation(contextOf(request), request.params.id, request.body),
    );

    app.post(
      '/api/v1/data-requests/:id/mediation-outcome',
      {
        schema: {
          tags: ['opendata'],
          summary: 'The Open Data Mediation Committee\'s outcome, recorded by its secretariat (operator): upheld (releaseBy) or dismissed, with reasons; published on the request (audited)',
          params: RequestIdParams,
          body: Type.Object(
            { outcome: Type.Union([Type.Literal('upheld'), Type.Literal('dismissed')]), reasons: Type.String({ maxLength: 8000 }), releaseBy: Text(10, 'YYYY-MM-DD, for upheld') },
            { additionalProperties: false },
          ),
          response: { 200: DataRequestDetailSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => dataRequests.decideMediation(contextOf(request), request.params.id, request.body),
    );
  };
}
