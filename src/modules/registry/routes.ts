// HTTP API of the registry module: a resident's own record.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { AppError } from '../../core/errors';
import { IdParam, problemResponses } from '../../core/schemas';
import { ResidentRecordSchema } from './schema';
import type { RegistryService } from './service';
import type { LifeEvents } from './life-events';
import { Type } from '@sinclair/typebox';

export function registryRoutes(registry: RegistryService, lifeEvents?: LifeEvents) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/v1/me/record',
      {
        schema: {
          tags: ['registry'],
          summary: 'The signed-in resident\'s own resident-register record (audited)',
          response: { 200: ResidentRecordSchema, ...problemResponses(401, 403, 404) },
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        if (principal.residentId === null) throw new AppError('FORBIDDEN', 'Only residents have a resident-register record.');
        return registry.readResidentRecord({ principal, actor: actorOf(request), requestId: request.id }, principal.residentId);
      },
    );

    app.get(
      '/api/v1/residents/:residentId/record',
      {
        schema: {
          tags: ['registry'],
          summary: 'A resident-register record; residents may read only their own (denials are audited)',
          params: IdParam('residentId', 'Registry id of the resident'),
          response: { 200: ResidentRecordSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) =>
        registry.readResidentRecord(
          { principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id },
          request.params.residentId,
        ),
    );

    if (!lifeEvents) return;
    app.post(
      '/api/v1/registry/births',
      {
        schema: {
          tags: ['registry'],
          summary: 'Register a birth (officials of MOIS or SCOURT; audited; announces registry.birth-registered to the proactive benefits engine)',
          body: Type.Object(
            {
              parentResidentIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 2 }),
              nameKo: Type.String({ maxLength: 20, description: 'Name in Hangul, 2–10 syllables' }),
              nameRomanized: Type.String({ maxLength: 60 }),
              sex: Type.Union([Type.Literal('M'), Type.Literal('F')]),
              birthDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, within the last year' }),
            },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Object({ childResidentId: Type.Integer(), householdId: Type.Integer(), parentResidentIds: Type.Array(Type.Integer()), birthDate: Type.String() }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request, reply) => {
        const registered = await lifeEvents.registerBirth({ principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id }, request.body);
        return reply.status(201).send(registered);
      },
    );

    app.post(
      '/api/v1/registry/disabilities',
      {
        schema: {
          tags: ['registry'],
          summary: 'Register a disability (MOHW officials; audited; announces registry.disability-registered)',
          body: Type.Object(
            { residentId: Type.Integer({ minimum: 1 }), category: Type.String({ maxLength: 40 }), severity: Type.Union([Type.Literal('severe'), Type.Literal('mild')]) },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ residentId: Type.Integer(), householdId: Type.Integer() }), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const event = await lifeEvents.registerDisability({ principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id }, request.body);
        return reply.status(201).send(event);
      },
    );

    app.post(
      '/api/v1/registry/moves',
      {
        schema: {
          tags: ['registry'],
          summary: 'Register a household\'s move (MOIS officials; audited for every member; announces registry.address-changed)',
          body: Type.Object(
            {
              householdId: Type.Integer({ minimum: 1 }),
              districtCode: Type.String({ maxLength: 5, description: 'District (시·군·구) code; the province follows from it' }),
              addressKo: Type.String({ maxLength: 200 }),
              addressEn: Type.String({ maxLength: 200 }),
              postalCode: Type.String({ maxLength: 5 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ residentId: Type.Integer(), householdId: Type.Integer() }), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => reply.status(201).send(await lifeEvents.registerMove({ principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id }, request.body)),
    );

    app.post(
      '/api/v1/registry/incomes',
      {
        schema: {
          tags: ['registry'],
          summary: 'Record a resident\'s assessed income for a tax year (NTS officials; audited; announces registry.income-updated)',
          body: Type.Object(
            { residentId: Type.Integer({ minimum: 1 }), taxYear: Type.Integer(), earnedIncomeKrw: Type.Integer({ minimum: 0 }), businessIncomeKrw: Type.Integer({ minimum: 0 }) },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ residentId: Type.Integer(), householdId: Type.Integer() }), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => reply.status(201).send(await lifeEvents.recordIncome({ principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id }, request.body)),
    );
  };
}
