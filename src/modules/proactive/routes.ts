// HTTP side of the proactive engine: population sweeps for a published rule (started by a
// publication automatically, or by the operator again by hand) and their progress.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { problemResponses } from '../../core/schemas';
import type { ProactiveEngine } from './engine';

const SweepSchema = Type.Object({
  id: Type.Integer(),
  ruleId: Type.String(),
  ruleVersion: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  total: Type.Union([Type.Integer(), Type.Null()], { description: 'Notices the sweep will send, once the population is evaluated' }),
  processed: Type.Integer(),
  created: Type.Integer(),
  duplicates: Type.Integer({ description: 'Residents already told before (no second notice)' }),
  suppressed: Type.Integer({ description: 'Residents who opted out of the category' }),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});

const STAFF = ['official', 'operator', 'auditor'] as const;

export function proactiveRoutes(engine: ProactiveEngine) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/v1/proactive/sweeps',
      { schema: { tags: ['services'], summary: 'Recent population sweeps for published rules, newest first (staff)', response: { 200: Type.Object({ items: Type.Array(SweepSchema) }), ...problemResponses(401, 403) } } },
      async (request) => {
        requirePrincipal(request, STAFF);
        return { items: await engine.recentSweeps() };
      },
    );

    app.get(
      '/api/v1/proactive/sweeps/:id',
      {
        schema: {
          tags: ['services'],
          summary: 'One sweep and its progress (staff)',
          params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }),
          response: { 200: SweepSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        requirePrincipal(request, STAFF);
        return engine.sweepStatus(request.params.id);
      },
    );

    app.post(
      '/api/v1/proactive/sweeps',
      {
        schema: {
          tags: ['services'],
          summary: 'Sweep the whole population for a published rule again and notify whoever is newly eligible (operator; audited; runs in the background)',
          body: Type.Object({ ruleId: Type.String({ maxLength: 80 }) }, { additionalProperties: false }),
          response: { 202: SweepSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request, ['operator']);
        const status = await engine.startSweep(request.body.ruleId, `started by ${principal.accountId}`, { actor: actorOf(request), requestId: request.id });
        return reply.status(202).send(status);
      },
    );
  };
}
