// HTTP API of the Mobile ID: a resident's device obtains a card and lists or revokes its cards
// (session); a verifier creates a one-time request and checks a presentation against it (public,
// no session needed, so no CSRF token either: nothing is done on the caller's behalf); the status
// list for offline verifiers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../core/auth';
import { problemResponses } from '../../core/schemas';
import { MOBILE_ID_ATTRIBUTES } from './attributes';
import { MOBILE_ID_ID_PATTERN, REVOCATION_REASONS, VERIFICATION_REQUEST_ID_PATTERN, type MobileIdContext, type MobileIdService } from './service';

const Attribute = Type.String({ maxLength: 40, description: `One of ${MOBILE_ID_ATTRIBUTES.join(', ')}` });

const Summary = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('VALID'), Type.Literal('REVOKED'), Type.Literal('EXPIRED')]),
  statusIndex: Type.Integer({ description: 'Index in the status list (status.status_list.idx)' }),
  deviceThumbprint: Type.String({ description: 'RFC 7638 thumbprint of the device key (cnf.jwk)' }),
  deviceLabel: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revocationReason: Type.Union([Type.String(), Type.Null()]),
  simulatedDevice: Type.Boolean({ description: 'True when the portal\'s simulated phone (server-side) holds it' }),
});

const Issued = Type.Object({
  ...Summary.properties,
  credential: Type.String({ description: 'The SD-JWT VC (typ dc+sd-jwt) with every disclosure; keep it on the device only' }),
  replaced: Type.Union([Type.String(), Type.Null()], { description: 'The card this one replaced (now revoked)' }),
});

const RequestView = Type.Object({
  id: Type.String(),
  nonce: Type.String({ description: 'Goes into the Key-Binding JWT' }),
  audience: Type.String({ description: 'The KB-JWT\'s aud' }),
  verifierName: Type.String(),
  attributes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  used: Type.Boolean(),
  outcome: Type.Union([Type.Literal('valid'), Type.Literal('rejected'), Type.Null()]),
});

const Result = Type.Object({
  valid: Type.Literal(true),
  requestId: Type.String(),
  verifierName: Type.String(),
  attributes: Type.Record(Type.String(), Type.Unknown(), { description: 'Exactly the requested attributes' }),
  issuer: Type.String(),
  issuedAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  checkedAt: Type.String({ format: 'date-time' }),
});

const IdParams = Type.Object({ id: Type.String({ pattern: MOBILE_ID_ID_PATTERN, maxLength: 40, description: 'Mobile ID, MID-<uuid>' }) });
const RequestParams = Type.Object({ id: Type.String({ pattern: VERIFICATION_REQUEST_ID_PATTERN, maxLength: 40, description: 'Verification request, MVR-<uuid>' }) });

export function mobileIdContextOf(request: FastifyRequest): MobileIdContext {
  return { principal: request.principal, actor: actorOf(request), requestId: request.id };
}

export function mobileIdRoutes(mobileIds: MobileIdService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.post(
      '/api/v1/mobile-id/credentials',
      {
        schema: {
          tags: ['mobile-id'],
          summary: 'Issue the signed-in resident a Mobile ID bound to a device key (SD-JWT VC; audited). A card in use is replaced.',
          body: Type.Object(
            {
              devicePublicJwk: Type.Object({}, { additionalProperties: true, description: 'The device\'s Ed25519 public JWK (kty OKP, crv Ed25519, x)' }),
              deviceLabel: Type.Optional(Type.String({ maxLength: 100 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Issued, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const issued = await mobileIds.issue(mobileIdContextOf(request), request.body);
        return reply
          .status(201)
          .header('cache-control', 'no-store')
          .header('location', `/api/v1/mobile-id/credentials`)
          .send({ ...issued.summary, credential: issued.credential, replaced: issued.replaced });
      },
    );

    app.get(
      '/api/v1/mobile-id/credentials',
      {
        schema: {
          tags: ['mobile-id'],
          summary: 'The signed-in resident\'s Mobile IDs, newest first (audited)',
          response: { 200: Type.Object({ items: Type.Array(Summary) }), ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send({ items: await mobileIds.list(mobileIdContextOf(request)) }),
    );

    app.post(
      '/api/v1/mobile-id/:id/revoke',
      {
        schema: {
          tags: ['mobile-id'],
          summary: 'Report a Mobile ID lost: revoked at once, the next verification fails (its owner, or an operator; audited)',
          params: IdParams,
          body: Type.Optional(Type.Object({ reason: Type.Optional(Type.Union(REVOCATION_REASONS.map((r) => Type.Literal(r)))) }, { additionalProperties: false })),
          response: { 200: Summary, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) =>
        reply.header('cache-control', 'no-store').send(await mobileIds.revoke(mobileIdContextOf(request), request.params.id, request.body?.reason ?? 'lost')),
    );

    app.post(
      '/api/v1/mobile-id/verification-requests',
      {
        config: { csrf: false },
        schema: {
          tags: ['mobile-id'],
          summary: 'A verifier asks for some Mobile ID attributes: a one-time request with a nonce, valid 5 minutes (public)',
          security: [],
          body: Type.Object(
            {
              attributes: Type.Array(Attribute, { minItems: 1, maxItems: 10 }),
              verifierName: Type.Optional(Type.String({ maxLength: 100, description: 'Shown to the resident and in their "who used my data"' })),
              audience: Type.Optional(Type.String({ maxLength: 200, description: 'The verifier\'s identifier, the KB-JWT\'s aud (default: this site\'s verifier page)' })),
            },
            { additionalProperties: false },
          ),
          response: { 201: RequestView, ...problemResponses(400) },
        },
      },
      async (request, reply) => {
        const created = await mobileIds.createVerificationRequest(mobileIdContextOf(request), request.body);
        return reply.status(201).header('cache-control', 'no-store').header('location', `/api/v1/mobile-id/verification-requests/${created.id}`).send(created);
      },
    );

    app.get(
      '/api/v1/mobile-id/verification-requests/:id',
      {
        schema: {
          tags: ['mobile-id'],
          summary: 'What a verification request asks for (the holder reads it before presenting; public)',
          security: [],
          params: RequestParams,
          response: { 200: RequestView, ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await mobileIds.verificationRequest(request.params.id)),
    );

    app.post(
      '/api/v1/mobile-id/verify',
      {
        config: { csrf: false },
        schema: {
          tags: ['mobile-id'],
          summary: 'Check a Mobile ID presentation (SD-JWT+KB) against a request, online: signature, disclosures, device key binding, nonce, expiry and revocation now. Answers only the requested attributes; uses the request up (public; audited)',
          security: [],
          body: Type.Object(
            {
              requestId: Type.String({ pattern: VERIFICATION_REQUEST_ID_PATTERN, maxLength: 40 }),
              presentation: Type.String({ minLength: 1, maxLength: 12_000, description: '<issuer JWT>~<disclosures>~<KB-JWT>' }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Result, ...problemResponses(400, 404, 409, 410, 422) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await mobileIds.verify(mobileIdContextOf(request), request.body)),
    );

    app.get(
      '/api/v1/mobile-id/status-list',
      {
        schema: {
          tags: ['mobile-id'],
          summary: 'Token Status List of every Mobile ID (statuslist+jwt, 1 bit per card, 1 = revoked; public)',
          security: [],
          response: { 200: { description: 'A signed status list token', content: { 'application/statuslist+jwt': { schema: { type: 'string' } } } } },
        },
      },
      async (_request, reply) =>
        reply.header('cache-control', 'public, max-age=60').type('application/statuslist+jwt').send(await mobileIds.statusList()),
    );
  };
}
