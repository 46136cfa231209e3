// HTTP API of the agreements module: request, list, read, decide, suspend and resume access
// agreements; and the X-Road (GovStack Information Mediator) directory service `allowedMethods`,
// which tells a client subsystem the services it may call on a provider under active agreements.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { problemResponses } from '../../core/schemas';
import { formatSubsystemId, parseSubsystemId } from '../directory';
import {
  AgreementListSchema,
  AgreementRequestBody,
  AgreementSchema,
  AllowedMethodsSchema,
  DecisionBody,
  IdParams,
  ListQuerySchema,
  ResumptionBody,
  SuspensionBody,
  XRoadClientHeaders,
  XRoadPathParams,
} from './schema';
import type { AgreementContext, AgreementsService } from './service';

// The string enums below are plain JSON Schema `enum`s (one clear error each); the type provider
// cannot see their literal types, so bodies are read through the schemas' own static types.
function contextOf(request: FastifyRequest): AgreementContext {
  return { principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id, locale: request.locale };
}

export function agreementsRoutes(agreements: AgreementsService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/api/v1/agreements',
      {
        schema: {
          tags: ['agreements'],
          summary: 'Request an access agreement for one of your agency\'s subsystems (officials; audited)',
          body: AgreementRequestBody,
          response: { 201: AgreementSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const agreement = await agreements.request(contextOf(request), request.body as Static<typeof AgreementRequestBody>);
        return reply.status(201).header('location', `/api/v1/agreements/${agreement.id}`).send(agreement);
      },
    );

    app.get(
      '/api/v1/agreements',
      {
        schema: {
          tags: ['agreements'],
          summary: 'Agreements you may see: officials their agency\'s (as client or data holder), the operator and auditors all',
          querystring: ListQuerySchema,
          response: { 200: AgreementListSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request) => agreements.list(contextOf(request), request.query as Static<typeof ListQuerySchema>),
    );

    app.get(
      '/api/v1/agreements/:id',
      {
        schema: {
          tags: ['agreements'],
          summary: 'One agreement with its history of decisions (its parties, the operator, auditors)',
          params: IdParams,
          response: { 200: AgreementSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => agreements.get(contextOf(request), request.params.id),
    );

    app.post(
      '/api/v1/agreements/:id/decisions',
      {
        schema: {
          tags: ['agreements'],
          summary: 'Approve or reject a request: as an official of the data-holding agency, or as the platform operator (audited)',
          params: IdParams,
          body: DecisionBody,
          response: { 200: AgreementSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => agreements.decide(contextOf(request), request.params.id, request.body as Static<typeof DecisionBody>),
    );

    app.post(
      '/api/v1/agreements/:id/suspension',
      {
        schema: {
          tags: ['agreements'],
          summary: 'Suspend an active agreement (data holder\'s officials, the operator; audited)',
          params: IdParams,
          body: SuspensionBody,
          response: { 200: AgreementSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => agreements.suspend(contextOf(request), request.params.id, request.body.reason),
    );

    app.delete(
      '/api/v1/agreements/:id/suspension',
      {
        // The body (a reason) is optional: a DELETE without one validates as an empty object.
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
        schema: {
          tags: ['agreements'],
          summary: 'Resume a suspended agreement (data holder\'s officials, the operator; audited)',
          params: IdParams,
          body: ResumptionBody,
          response: { 200: AgreementSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => agreements.resume(contextOf(request), request.params.id, request.body.reason),
    );

    app.get(
      '/r1/:xRoadInstance/:memberClass/:memberCode/:subsystemCode/allowedMethods',
      {
        schema: {
          tags: ['directory'],
          summary: 'X-Road directory service allowedMethods: the services the calling client (X-Road-Client) may use on this provider under active agreements',
          params: XRoadPathParams,
          headers: XRoadClientHeaders,
          response: { 200: AllowedMethodsSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const { xRoadInstance, memberClass, memberCode, subsystemCode } = request.params;
        const provider = formatSubsystemId({ instance: xRoadInstance, memberClass, memberCode, subsystemCode });
        const methods = await agreements.allowedMethodsFor(contextOf(request), request.headers['x-road-client'], provider);
        return {
          service: methods.map((m) => {
            const parts = parseSubsystemId(m.providerSubsystem)!;
            return {
              object_type: 'SERVICE' as const,
              xroad_instance: parts.instance,
              member_class: parts.memberClass,
              member_code: parts.memberCode,
              subsystem_code: parts.subsystemCode,
              service_code: m.serviceCode,
              service_type: 'OPENAPI' as const,
              endpoint_list: [{ method: 'GET', path: '/*' }],
            };
          }),
        };
      },
    );
  };
}
