// HTTP API of the registry module: a resident's own record.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { AppError } from '../../core/errors';
import { IdParam, problemResponses } from '../../core/schemas';
import { ResidentRecordSchema } from './schema';
import type { RegistryService } from './service';

export function registryRoutes(registry: RegistryService) {
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
  };
}
