// HTTP API of GOV24 one-stop applications: residents submit (`POST /api/v1/applications`, with an
// idempotency key) and follow their applications; officials list their agency's cases and decide.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { AppError } from '../../core/errors';
import { Localised, problemResponses } from '../../core/schemas';
import { APPLICATION_ID_PATTERN, CASE_ID_PATTERN, CASE_STATUSES, type ApplicationsContext, type ApplicationsService } from './service';

export function applicationsContextOf(request: FastifyRequest): ApplicationsContext {
  return { principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id };
}

const Status = Type.Union([Type.Literal('received'), Type.Literal('in-review'), Type.Literal('approved'), Type.Literal('rejected')], { description: CASE_STATUSES.join(' → ') });
const Agency = Type.Object({ code: Type.String(), name: Localised('Agency name') });
const HistoryEntry = Type.Object({
  status: Status,
  reason: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.String(),
  actorAgency: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
});
const CaseSchema = Type.Object({
  id: Type.String(),
  applicationId: Type.String(),
  serviceId: Type.String(),
  serviceName: Localised('Service name'),
  agency: Agency,
  status: Status,
  reason: Type.Union([Type.String(), Type.Null()], { description: 'The reason of the last decision (required for rejected)' }),
  updatedAt: Type.String({ format: 'date-time' }),
  history: Type.Array(HistoryEntry),
});
const PrefillFieldSchema = Type.Object({ name: Type.String(), productId: Type.String(), label: Localised('Field label'), value: Type.String() });
const Target = Type.Object({ kind: Type.Union([Type.Literal('service'), Type.Literal('bundle')]), id: Type.String() });
const ApplicationSchema = Type.Object({
  id: Type.String(),
  residentId: Type.Integer(),
  target: Target,
  name: Localised('Service or bundle name'),
  mode: Type.Union([Type.Literal('registry'), Type.Literal('uploads')], { description: 'registry: filled from the registries with consent; uploads: documents handed in' }),
  submittedAt: Type.String({ format: 'date-time' }),
  prefilled: Type.Array(PrefillFieldSchema, { description: 'Registry values as re-read and verified at submission' }),
  answers: Type.Record(Type.String(), Type.String()),
  reads: Type.Array(Type.Object({ productId: Type.String(), messageId: Type.String(), fields: Type.Array(Type.String()) }), { description: 'The exchange reads made at submission' }),
  cases: Type.Array(CaseSchema),
});
const CaseDetailSchema = Type.Intersect([
  CaseSchema,
  Type.Object({
    applicant: Type.Object({ residentId: Type.Integer(), name: Localised('Applicant name') }),
    submittedAt: Type.String({ format: 'date-time' }),
    mode: Type.String(),
    prefilled: Type.Array(PrefillFieldSchema, { description: 'Only the registry data this service needs' }),
    answers: Type.Record(Type.String(), Type.String()),
    allowedNext: Type.Array(Status),
  }),
]);

const SubmitBody = Type.Object(
  {
    serviceId: Type.Optional(Type.String({ maxLength: 80, description: 'Apply for one service (or give bundleId)' })),
    bundleId: Type.Optional(Type.String({ maxLength: 80, description: 'Apply for a bundle, e.g. happy-childbirth' })),
    idempotencyKey: Type.String({ maxLength: 100, description: 'Chosen by the client; the same key again returns the same application, with Idempotent-Replayed: true' }),
    consent: Type.Boolean({
      description: 'true: the resident agrees that GOV24 reads the registry data the services need (one-time consents are recorded); false: the documents are handed in as uploads',
    }),
    answers: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 300 }), { description: 'What the resident enters: bankCode, accountNumber, upload.<document>' })),
    prefilled: Type.Optional(
      Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 1000 }), { description: 'Pre-filled values as shown to the resident; each must equal the registry\'s (else 400 naming the field)' }),
    ),
  },
  { additionalProperties: false },
);

const AppParams = Type.Object({ id: Type.String({ pattern: APPLICATION_ID_PATTERN, maxLength: 40, description: 'Application id, APP-YYYY-NNNNNN' }) });
const CaseParams = Type.Object({ id: Type.String({ pattern: CASE_ID_PATTERN, maxLength: 40, description: 'Case id, CASE-YYYY-NNNNNN' }) });

export function applicationsRoutes(applications: ApplicationsService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/api/v1/applications',
      {
        schema: {
          tags: ['applications'],
          summary: 'Apply for a service or a bundle (signed-in resident): 201 with one case per service; the same idempotency key again answers the same application (header Idempotent-Replayed: true)',
          body: SubmitBody,
          response: { 201: ApplicationSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if ((body.serviceId === undefined) === (body.bundleId === undefined)) {
          throw new AppError('VALIDATION_FAILED', 'Give exactly one of serviceId and bundleId.', [{ field: '/body/serviceId', message: 'give exactly one of serviceId and bundleId' }]);
        }
        const target = body.bundleId !== undefined ? { kind: 'bundle' as const, id: body.bundleId } : { kind: 'service' as const, id: body.serviceId! };
        const { application, created } = await applications.submit(applicationsContextOf(request), {
          target,
          idempotencyKey: body.idempotencyKey,
          consent: body.consent,
          answers: body.answers ?? {},
          prefilled: body.prefilled,
        });
        return reply
          .status(201)
          .header('idempotent-replayed', created ? 'false' : 'true')
          .header('location', `/api/v1/me/applications/${application.id}`)
          .header('cache-control', 'no-store')
          .send(application);
      },
    );

    app.get(
      '/api/v1/me/applications',
      {
        schema: {
          tags: ['applications'],
          summary: 'The signed-in resident\'s applications, newest first, each case with its status at its agency',
          response: { 200: Type.Object({ items: Type.Array(ApplicationSchema) }), ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send({ items: await applications.listMine(applicationsContextOf(request)) }),
    );

    app.get(
      '/api/v1/me/applications/:id',
      {
        schema: {
          tags: ['applications'],
          summary: 'One of the signed-in resident\'s applications (someone else\'s: 404, audited)',
          params: AppParams,
          response: { 200: ApplicationSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await applications.getMine(applicationsContextOf(request), request.params.id)),
    );

    app.get(
      '/api/v1/cases',
      {
        schema: {
          tags: ['applications'],
          summary: 'Cases of the signed-in official\'s own agency, most recently changed first (audited)',
          querystring: Type.Object({ status: Type.Optional(Status) }, { additionalProperties: true }),
          response: { 200: Type.Object({ items: Type.Array(CaseSchema) }), ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send({ items: await applications.listCases(applicationsContextOf(request), { status: request.query.status }) }),
    );

    app.get(
      '/api/v1/cases/:id',
      {
        schema: {
          tags: ['applications'],
          summary: 'One case of the official\'s agency with the application data its service needs (another agency\'s case: 404, audited)',
          params: CaseParams,
          response: { 200: CaseDetailSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await applications.getCase(applicationsContextOf(request), request.params.id)),
    );

    app.post(
      '/api/v1/cases/:id/decisions',
      {
        schema: {
          tags: ['applications'],
          summary: 'Move a case of the official\'s agency to in-review, approved or rejected (reason required to reject); audited; 409 from a final status',
          params: CaseParams,
          body: Type.Object(
            { status: Type.String({ maxLength: 20, description: 'in-review, approved or rejected' }), reason: Type.Optional(Type.String({ maxLength: 2000 })) },
            { additionalProperties: false },
          ),
          response: { 200: CaseDetailSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await applications.decide(applicationsContextOf(request), request.params.id, request.body)),
    );
  };
}
