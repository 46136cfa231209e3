// HTTP side of the once-only exchange: the X-Road-style data service
// GET /r1/{instance}/{class}/{member}/{subsystem}/{serviceCode}/{subjectId}, the platform's public
// keys (/.well-known/jwks.json) to verify its response signatures, operators issuing client
// credentials, and the public monthly statistics. See protocol.ts for the wire format.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { AppError } from '../../core/errors';
import { problemResponses } from '../../core/schemas';
import type { Pool } from '../../core/db';
import type { RegistryService } from '../registry/service';
import { echoableMessageId, isProtocolError, parseExchangeRequest, parseServicePath } from './protocol';
import { currentMonth, exchangeError, type ExchangeService } from './service';

const part = (description: string) => Type.String({ description, maxLength: 64 });

const ExchangeParams = Type.Object({
  xRoadInstance: part('X-Road instance of the provider, e.g. KR'),
  memberClass: part('Member class of the provider, e.g. GOV'),
  memberCode: part('Member code of the provider, e.g. MOIS'),
  subsystemCode: part('Provider subsystem, e.g. resident-register'),
  serviceCode: part('Service code: the data product id, e.g. resident.basic'),
  subjectId: Type.String({ maxLength: 32, description: 'The subject: a resident id, or a business registration number for business.registration' }),
});

const ExchangeHeaders = Type.Object(
  {
    'x-road-client': Type.String({ description: 'The calling subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM (required)' }),
    authorization: Type.String({ description: 'Bearer <credential> issued to the X-Road-Client subsystem (required)' }),
    'x-road-purpose': Type.Optional(Type.String({ description: 'Purpose code of the access agreement, e.g. WELFARE-ELIGIBILITY (required here or as ?purpose=)' })),
    'x-road-userid': Type.Optional(Type.String({ description: 'The official acting (required when the client\'s member class is GOV)' })),
    'x-road-issue': Type.Optional(Type.String({ description: 'The case or document that caused the request (optional, printable ASCII ≤ 200)' })),
    'x-road-id': Type.Optional(Type.String({ description: 'Message id; generated when absent; echoed in the response' })),
  },
  { additionalProperties: true },
);

const ExchangeQuery = Type.Object(
  { purpose: Type.Optional(Type.String({ description: 'Purpose code, when not in X-Road-Purpose (both given must agree)' })) },
  { additionalProperties: true },
);

const EXCHANGE_DESCRIPTION = `Reads one data product about one subject under an active access agreement; the body holds only the agreement's approved fields.

Response headers: \`X-Road-Id\` (echoed or generated); \`X-Road-Request-Hash\` = base64url(SHA-256(UTF-8 of the lines "oncegov-exchange-request/1", "GET", the path without query, X-Road-Client, purpose code, X-Road-UserId or "", X-Road-Issue or "", X-Road-Id, joined by "\\n")); \`X-Road-Signature\` = detached compact JWS (\`<protected>..<signature>\`, EdDSA/Ed25519, \`kid\` in /.well-known/jwks.json, b64=false) over ASCII(X-Road-Request-Hash) ‖ "\\n" ‖ the exact body bytes.

Errors are problem+json with an \`X-Road-Error\` header: Client.BadHeader, Client.BadRequest, Client.PurposeMissing, Client.UserIdMissing (400), Client.AuthenticationFailed (401), Client.AgreementMissing, Client.ConsentRequired (403), Client.UnknownClient, Server.SubjectUnknown (404), Client.TooManyFailures (429, with Retry-After: after 20 requests with a wrong credential from one address within a minute, that address is refused for a minute); a path naming no provider service answers 404 ROUTE_NOT_FOUND with Server.ServiceUnknown before any header is read.`;

const Jwks = Type.Object(
  { keys: Type.Array(Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String() })) },
  { description: 'JSON Web Key Set of the platform\'s signing keys (public parts only)' },
);

const CredentialBody = Type.Object(
  { subsystemId: Type.String({ maxLength: 263, description: 'Client subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM' }) },
  { additionalProperties: false },
);
const IssuedCredentialSchema = Type.Object({
  id: Type.String(),
  subsystemId: Type.String(),
  secret: Type.String({ description: 'The bearer secret. Shown only in this response; store it now.' }),
  issuedAt: Type.String({ format: 'date-time' }),
});

const CredentialSummarySchema = Type.Object({
  id: Type.String(),
  subsystemId: Type.String(),
  issuedAt: Type.String({ format: 'date-time' }),
  issuedBy: Type.String(),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedBy: Type.Union([Type.String(), Type.Null()]),
  revocationReason: Type.Union([Type.String(), Type.Null()]),
});

const StatisticsQuery = Type.Object(
  { month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM in Korea time (default: this month)' })) },
  { additionalProperties: true },
);
const StatisticsSchema = Type.Object({
  month: Type.String(),
  rows: Type.Array(
    Type.Object({ clientSubsystem: Type.String(), clientAgency: Type.String(), productId: Type.String(), allowed: Type.Integer(), denied: Type.Integer() }),
  ),
});

export interface ExchangeRouteOptions {
  /**
   * Benchmarks only (EXCHANGE_BENCH_BASELINE=1): GET /bench/exchange-baseline/{serviceCode}/{subjectId}
   * answers the same registry read with no checks, no audit and no signature.
   */
  baseline?: { pool: Pool; registry: RegistryService };
}

export function exchangeRoutes(exchange: ExchangeService, options: ExchangeRouteOptions = {}) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/r1/:xRoadInstance/:memberClass/:memberCode/:subsystemCode/:serviceCode/:subjectId',
      {
        // The handler reads and validates path, headers and query itself, so that every refusal
        // carries its X-Road-Error; the schemas here document the request.
        attachValidation: true,
        schema: {
          tags: ['exchange'],
          summary: 'Once-only exchange: one data product about one subject (X-Road REST; client credential; audited)',
          description: EXCHANGE_DESCRIPTION,
          security: [{ exchangeCredential: [] }],
          params: ExchangeParams,
          headers: ExchangeHeaders,
          querystring: ExchangeQuery,
          response: {
            200: { description: 'The approved fields of the data product (see getOpenAPI)', type: 'object', additionalProperties: true },
            ...problemResponses(400, 401, 403, 404, 429),
          },
        },
      },
      async (request, reply) => {
        const messageId = echoableMessageId(request.headers);
        const service = parseServicePath(request.params as Record<string, string>);
        if (isProtocolError(service)) throw exchangeError(service.xroad, service.detail, { messageId, field: service.field });
        const product = await exchange.resolveService(service.provider, service.serviceCode, messageId);
        const parsed = parseExchangeRequest({
          params: request.params as Record<string, string>,
          path: request.url.split('?')[0]!,
          headers: request.headers,
          query: (request.query ?? {}) as Record<string, unknown>,
        });
        if (isProtocolError(parsed)) {
          throw exchangeError(parsed.xroad, parsed.detail, { messageId, field: parsed.field });
        }
        const response = await exchange.read(parsed, product, request.ip);
        for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
        return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(response.body as unknown as Record<string, unknown>);
      },
    );

    app.get(
      '/.well-known/jwks.json',
      {
        schema: {
          tags: ['exchange'],
          summary: 'The platform\'s public signing keys (JWKS), to verify X-Road-Signature (public)',
          security: [],
          response: { 200: Jwks },
        },
      },
      async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(exchange.jwks()),
    );

    app.post(
      '/api/v1/exchange/credentials',
      {
        schema: {
          tags: ['exchange'],
          summary: 'Issue an API credential for a client subsystem (operator only; audited; the secret is shown once)',
          body: CredentialBody,
          response: { 201: IssuedCredentialSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const issued = await exchange.issueCredential({ principal, actor: actorOf(request), requestId: request.id }, request.body.subsystemId);
        return reply.status(201).header('cache-control', 'no-store').send(issued);
      },
    );

    app.get(
      '/api/v1/exchange/credentials',
      {
        schema: {
          tags: ['exchange'],
          summary: 'Every exchange client credential, newest first, without secrets (operator, auditors)',
          response: { 200: Type.Object({ items: Type.Array(CredentialSummarySchema) }), ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const items = await exchange.listCredentials({ principal, actor: actorOf(request), requestId: request.id });
        return reply.header('cache-control', 'no-store').send({ items });
      },
    );

    app.post(
      '/api/v1/exchange/credentials/:id/revoke',
      {
        schema: {
          tags: ['exchange'],
          summary: 'Revoke a client credential now, with a reason (operator only; audited); the next request presenting it is refused',
          params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
          body: Type.Object({ reason: Type.String({ maxLength: 500, description: 'Why (1–500 characters)' }) }, { additionalProperties: false }),
          response: { 200: CredentialSummarySchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const revoked = await exchange.revokeCredential({ principal, actor: actorOf(request), requestId: request.id }, request.params.id, request.body.reason);
        return reply.header('cache-control', 'no-store').send(revoked);
      },
    );

    app.get(
      '/api/v1/exchange/statistics',
      {
        schema: {
          tags: ['exchange'],
          summary: 'Exchange requests per client subsystem and data product in a month, allowed and denied (open data; public)',
          security: [],
          querystring: StatisticsQuery,
          response: { 200: StatisticsSchema, ...problemResponses(400) },
        },
      },
      async (request) => exchange.statistics(request.query.month ?? currentMonth()),
    );

    const baseline = options.baseline;
    if (baseline) {
      app.get(
        '/bench/exchange-baseline/:serviceCode/:subjectId',
        { schema: { hide: true, params: Type.Object({ serviceCode: Type.String({ maxLength: 64 }), subjectId: Type.String({ maxLength: 32 }) }) } },
        async (request, reply) => {
          const record = await baseline.registry.readDataProduct(baseline.pool, request.params.serviceCode, request.params.subjectId);
          if (!record) throw new AppError('SUBJECT_NOT_FOUND');
          return reply.type('application/json; charset=utf-8').send(Buffer.from(JSON.stringify(record), 'utf8'));
        },
      );
    }
  };
}
