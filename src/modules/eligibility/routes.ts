// HTTP API of the eligibility rules: list, read, save a draft (validated; problems located by
// field, line and column), publish; and the decisions of every published rule for one resident.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { actorOf } from '../../core/auth';
import { problemResponses } from '../../core/schemas';
import { DecisionListSchema, DecisionsQuery, RuleDetailSchema, RuleIdParams, RuleListSchema, RuleVersionSchema, SaveRuleBody, VersionParams } from './schema';
import type { EligibilityService, RuleContext } from './service';

export function contextOf(request: FastifyRequest): RuleContext {
  return { principal: request.principal, actor: actorOf(request), requestId: request.id, locale: request.locale };
}

function todayInSeoul(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
}

export function eligibilityRoutes(eligibility: EligibilityService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/api/v1/rules',
      { schema: { tags: ['rules'], summary: 'Eligibility rules: each rule\'s published version and draft (officials, the operator, auditors)', response: { 200: RuleListSchema, ...problemResponses(401, 403) } } },
      async (request) => ({ items: await eligibility.list(contextOf(request)) }),
    );

    app.post(
      '/api/v1/rules',
      {
        schema: {
          tags: ['rules'],
          summary: 'Save a rule version as a draft; refused with every problem (field, line, column) if it is not valid or one of its examples fails (officials for their agency, the operator; audited)',
          body: SaveRuleBody,
          response: { 201: RuleVersionSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const saved = await eligibility.saveDraft(contextOf(request), request.body.source);
        return reply.status(201).header('location', `/api/v1/rules/${saved.ruleId}`).send(saved);
      },
    );

    app.get(
      '/api/v1/rules/decisions',
      {
        schema: {
          tags: ['rules'],
          summary: 'Every published rule decided for one resident, with explanations (the resident, officials, the operator; audited)',
          querystring: DecisionsQuery,
          response: { 200: DecisionListSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const date = request.query.date ?? todayInSeoul();
        return { residentId: request.query.residentId, date, items: await eligibility.evaluateResident(contextOf(request), request.query.residentId, date) };
      },
    );

    app.get(
      '/api/v1/rules/:ruleId',
      { schema: { tags: ['rules'], summary: 'One rule: its versions, and the published and draft sources', params: RuleIdParams, response: { 200: RuleDetailSchema, ...problemResponses(400, 401, 403, 404) } } },
      async (request) => eligibility.get(contextOf(request), request.params.ruleId),
    );

    app.post(
      '/api/v1/rules/:ruleId/versions/:version/publication',
      {
        schema: {
          tags: ['rules'],
          summary: 'Publish a draft; the previously published version is superseded (officials for their agency, the operator; audited)',
          params: VersionParams,
          response: { 200: RuleVersionSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => eligibility.publish(contextOf(request), request.params.ruleId, request.params.version),
    );
  };
}
