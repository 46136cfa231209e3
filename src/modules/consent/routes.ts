// HTTP API of MyData consent: the signed-in resident's consents (grant, list, read, pause, resume,
// revoke; each change audited) and the public verification of a consent artefact.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf, requirePrincipal } from '../../core/auth';
import { problemResponses } from '../../core/schemas';
import { CONSENT_ID_PATTERN, type ConsentContext, type ConsentService } from './service';

const State = Type.Union([Type.Literal('ACTIVE'), Type.Literal('PAUSED'), Type.Literal('REVOKED'), Type.Literal('EXPIRED')]);

const Frequency = Type.Object(
  { unit: Type.String({ maxLength: 10, description: 'DAY, WEEK, MONTH or YEAR' }), value: Type.Integer({ description: 'Most uses per period (1–100)' }) },
  { additionalProperties: false },
);
const DataLife = Type.Object(
  { unit: Type.String({ maxLength: 10, description: 'DAY, MONTH or YEAR' }), value: Type.Integer({ description: 'How long the recipient may keep the data (0 = view only)' }) },
  { additionalProperties: false },
);

export const GrantBody = Type.Object(
  {
    recipient: Type.String({ maxLength: 263, description: 'Consumer subsystem that may fetch the data, e.g. KR/COM/DEMOBANK/loans' }),
    purposeCode: Type.String({ maxLength: 60, description: 'Purpose code, e.g. LOAN-SCREENING' }),
    purposeText: Type.String({ maxLength: 500, description: 'The purpose in words' }),
    dataTypes: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20, description: 'Data products (whole products), e.g. resident.basic' }),
    consentStart: Type.Optional(Type.String({ maxLength: 40, description: 'Date-time or YYYY-MM-DD (Korea time); default now' })),
    consentExpiry: Type.String({ maxLength: 40, description: 'Date-time or YYYY-MM-DD (Korea time, end of day)' }),
    fetchType: Type.String({ maxLength: 10, description: 'ONETIME or PERIODIC' }),
    frequency: Type.Optional(Type.Union([Frequency, Type.Null()], { description: 'Required for PERIODIC' })),
    dataLife: DataLife,
  },
  { additionalProperties: false },
);

const Artefact = Type.Object(
  {
    ver: Type.String(),
    consentId: Type.String(),
    timestamp: Type.String({ format: 'date-time' }),
    consentStart: Type.String({ format: 'date-time' }),
    consentExpiry: Type.String({ format: 'date-time' }),
    consentMode: Type.String(),
    fetchType: Type.String(),
    frequency: Type.Union([Frequency, Type.Null()]),
    dataTypes: Type.Array(Type.String()),
    dataConsumer: Type.Object({ id: Type.String(), type: Type.String() }),
    customer: Type.Object({ id: Type.String() }),
    purpose: Type.Object({ code: Type.String(), text: Type.String() }),
    dataLife: DataLife,
  },
  { description: 'The consent artefact exactly as signed (Account Aggregator / GovStack fields)' },
);

const ConsentSchema = Type.Object({
  id: Type.String(),
  residentId: Type.Integer(),
  state: State,
  recipient: Type.String(),
  recipientName: Type.Union([Type.Object({ ko: Type.String(), en: Type.String() }), Type.Null()]),
  purpose: Type.Object({ code: Type.String(), text: Type.String() }),
  dataTypes: Type.Array(Type.String()),
  consentStart: Type.String({ format: 'date-time' }),
  consentExpiry: Type.String({ format: 'date-time' }),
  consentMode: Type.String(),
  fetchType: Type.String(),
  frequency: Type.Union([Frequency, Type.Null()]),
  dataLife: DataLife,
  useCount: Type.Integer(),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  usedUp: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  statusChangedAt: Type.String({ format: 'date-time' }),
  artefact: Artefact,
  signedConsent: Type.String({ description: 'The artefact as a compact JWS (EdDSA; kid in /.well-known/jwks.json; payload = the artefact JSON)' }),
});

const VerificationSchema = Type.Object({
  consentId: Type.String(),
  signatureValid: Type.Boolean(),
  kid: Type.Union([Type.String(), Type.Null()]),
  state: Type.Union([State, Type.Null()]),
  artefact: Type.Union([Artefact, Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
});

const IdParams = Type.Object({ id: Type.String({ pattern: CONSENT_ID_PATTERN, maxLength: 40, description: 'Consent id, CNS-<uuid>' }) });

export function consentContextOf(request: FastifyRequest): ConsentContext {
  return { principal: requirePrincipal(request), actor: actorOf(request), requestId: request.id };
}

export function consentRoutes(consents: ConsentService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/api/v1/me/consents',
      {
        schema: {
          tags: ['consent'],
          summary: 'Give a MyData consent (signed-in resident; audited); answers the consent with its signed artefact',
          body: GrantBody,
          response: { 201: ConsentSchema, ...problemResponses(400, 401, 403) },
        },
      },
      async (request, reply) => {
        const consent = await consents.grant(consentContextOf(request), request.body);
        return reply.status(201).header('location', `/api/v1/me/consents/${consent.id}`).header('cache-control', 'no-store').send(consent);
      },
    );

    app.get(
      '/api/v1/me/consents',
      {
        schema: {
          tags: ['consent'],
          summary: 'The signed-in resident\'s consents, newest first',
          response: { 200: Type.Object({ items: Type.Array(ConsentSchema) }), ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send({ items: await consents.list(consentContextOf(request)) }),
    );

    app.get(
      '/api/v1/me/consents/:id',
      {
        schema: {
          tags: ['consent'],
          summary: 'One of the signed-in resident\'s consents (someone else\'s: 404, audited)',
          params: IdParams,
          response: { 200: ConsentSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await consents.get(consentContextOf(request), request.params.id)),
    );

    for (const action of ['pause', 'resume', 'revoke'] as const) {
      app.post(
        `/api/v1/me/consents/:id/${action}`,
        {
          schema: {
            tags: ['consent'],
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} one of the signed-in resident's consents (audited; 409 from a state that does not allow it)`,
            params: IdParams,
            response: { 200: ConsentSchema, ...problemResponses(400, 401, 403, 404, 409) },
          },
        },
        async (request, reply) => reply.header('cache-control', 'no-store').send(await consents.change(consentContextOf(request), request.params.id, action)),
      );
    }

    app.get(
      '/api/v1/consents/:id/verification',
      {
        schema: {
          tags: ['consent'],
          summary: 'Verify a consent artefact against the platform JWKS and report the consent\'s state (public)',
          security: [],
          params: IdParams,
          querystring: Type.Object(
            { signedConsent: Type.Optional(Type.String({ maxLength: 8000, description: 'A presented artefact JWS to check instead of the stored one' })) },
            { additionalProperties: true },
          ),
          response: { 200: VerificationSchema, ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await consents.verification(request.params.id, request.query.signedConsent)),
    );
  };
}
