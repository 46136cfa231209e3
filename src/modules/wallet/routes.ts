// HTTP side of the document wallet: the VC-API endpoints (POST /credentials/issue for officials of
// the issuing agency, POST /credentials/verify and /presentations/verify for anyone,
// POST /credentials/status to revoke), the documents a verifier needs (the Korean certificates
// context, each issuer's controller document, the signed status lists), the resident's wallet as
// JSON, and the endpoint a bank fetches a shared certificate from (authenticated and
// consent-checked by the once-only exchange).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../core/auth';
import { AppError } from '../../core/errors';
import { problemResponses } from '../../core/schemas';
import { DOC_TYPES, DOC_URI_PATTERN, isDocType, koreanCertificatesContext } from './certificates';
import { STATUS_LIST_ID_PATTERN } from './status-list';
import { verificationProblem, type CredentialVerification } from './verify';
import type { IssueRequest, WalletContext, WalletService } from './service';

/** The largest credential the verify endpoint reads, and the largest presentation. */
export const CREDENTIAL_BODY_LIMIT = 64 * 1024;
export const PRESENTATION_BODY_LIMIT = 256 * 1024;
export const MAX_PRESENTED_CREDENTIALS = 10;

const AnyObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

const VerifyResponse = Type.Object({
  verified: Type.Boolean(),
  verdict: Type.String({ description: 'valid (failures are answered as problem+json: VC_REVOKED, VC_EXPIRED, VC_PROOF_INVALID, …)' }),
  checks: Type.Array(Type.String(), { description: 'VC-API: the checks made and passed (proof, validity, status)' }),
  warnings: Type.Array(AnyObject('A warning (problem details)')),
  errors: Type.Array(AnyObject('An error (problem details)')),
  credentialId: Type.Union([Type.String(), Type.Null()]),
  issuer: Type.Union([Type.String(), Type.Null()]),
  validUntil: Type.Union([Type.String(), Type.Null()]),
});

const IssueBody = Type.Object(
  {
    credential: Type.Object(
      {
        '@context': Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 5 })),
        type: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 3, description: `VerifiableCredential and one of ${DOC_TYPES.join(', ')}` }),
        credentialSubject: Type.Object(
          {
            id: Type.String({ maxLength: 100, description: 'urn:oncegov:resident:<resident id>, or urn:oncegov:business:<BRN> for a business registration certificate' }),
            sealPurpose: Type.Optional(Type.String({ maxLength: 20, description: 'Electronic seal certificate: general, property-sale, vehicle-sale or loan' })),
            vaccinations: Type.Optional(
              Type.Array(
                Type.Object({ vaccineCode: Type.String({ maxLength: 20 }), doseNumber: Type.Integer(), administeredOn: Type.String({ maxLength: 10 }) }, { additionalProperties: false }),
                { maxItems: 40, description: 'Vaccination record: the doses KDCA attests' },
              ),
            ),
          },
          { additionalProperties: false, description: 'Who the certificate is about; every other claim comes from the registries' },
        ),
      },
      { additionalProperties: true, description: 'The credential to issue; issuer, dates, status, id and proof are set by the platform' },
    ),
    options: Type.Optional(AnyObject('VC-API issue options (none are needed)')),
  },
  { additionalProperties: false },
);

const StatusBody = Type.Object(
  {
    credentialId: Type.String({ maxLength: 120, description: 'The credential\'s document URI (its id)' }),
    credentialStatus: Type.Array(
      Type.Object({ type: Type.Literal('BitstringStatusListCredential'), status: Type.Literal('revoked') }, { additionalProperties: false }),
      { minItems: 1, maxItems: 1 },
    ),
    reason: Type.String({ maxLength: 500, description: 'Why it is revoked (1–500 characters; audited)' }),
  },
  { additionalProperties: false },
);

const CertificateSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  agency: Type.String(),
  residentId: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.String({ description: 'valid, revoked or expired' }),
  issuedAt: Type.String({ format: 'date-time' }),
  validFrom: Type.String({ format: 'date-time' }),
  validUntil: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  credential: AnyObject('The verifiable credential as issued'),
});

export function walletContextOf(request: FastifyRequest): WalletContext {
  return { principal: request.principal, actor: actorOf(request), requestId: request.id };
}

/** The VC-API issue request → the wallet's issue request (claims other than the subject come from the registries). */
function toIssueRequest(body: { credential: { type: string[]; credentialSubject: { id: string; sealPurpose?: string; vaccinations?: Array<{ vaccineCode: string; doseNumber: number; administeredOn: string }> } } }): IssueRequest {
  const types = body.credential.type.filter((t) => t !== 'VerifiableCredential');
  const type = types[0];
  if (types.length !== 1 || !isDocType(type) || !body.credential.type.includes('VerifiableCredential')) {
    throw new AppError('VALIDATION_FAILED', `type must be ["VerifiableCredential", one of ${DOC_TYPES.join(', ')}].`, [{ field: '/body/credential/type', message: 'unknown certificate type' }]);
  }
  const subject = body.credential.credentialSubject;
  const resident = /^urn:oncegov:resident:([1-9]\d{0,15})$/.exec(subject.id);
  const business = /^urn:oncegov:business:(\d{10})$/.exec(subject.id);
  return {
    type,
    residentId: resident ? Number(resident[1]) : undefined,
    brn: business ? business[1] : undefined,
    sealPurpose: subject.sealPurpose as IssueRequest['sealPurpose'],
    vaccinations: subject.vaccinations,
  };
}

function verifyAnswer(outcome: CredentialVerification) {
  return {
    verified: true,
    verdict: outcome.verdict,
    checks: outcome.checks,
    warnings: [],
    errors: [],
    credentialId: outcome.credentialId,
    issuer: outcome.issuer,
    validUntil: outcome.validUntil,
  };
}

export function walletRoutes(wallet: WalletService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const urls = wallet.crypto.urls;
    const context = koreanCertificatesContext(urls.vocab);
    fastify.addHook('onClose', async () => wallet.crypto.close());

    app.get(
      '/credentials/contexts/kr-certificates/v1',
      { schema: { tags: ['wallet'], summary: 'The JSON-LD context of the Korean e-certificate terms (bundled in our document loader; served for other verifiers)', security: [], response: { 200: AnyObject('JSON-LD context') } } },
      async (_request, reply) => reply.type('application/ld+json').header('cache-control', 'public, max-age=86400').send(context),
    );

    app.get(
      '/issuers/:agency',
      {
        schema: {
          tags: ['wallet'],
          summary: 'An issuing agency\'s controller document: its Multikey verification method(s), listed under assertionMethod',
          security: [],
          params: Type.Object({ agency: Type.String({ pattern: '^[A-Z]{2,10}$', description: 'Agency code, e.g. NTS' }) }),
          response: { 200: AnyObject('Controller document'), ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const issuer = wallet.crypto.issuer(request.params.agency);
        if (!issuer) throw new AppError('NOT_FOUND', `${request.params.agency} issues no credentials here.`);
        return reply.type('application/ld+json').header('cache-control', 'public, max-age=300').send(issuer.controllerDocument);
      },
    );

    app.get(
      '/credentials/status/:listId',
      {
        schema: {
          tags: ['wallet'],
          summary: 'A Bitstring Status List credential (statusPurpose revocation), signed by the issuing agency (no-cache: a revocation shows at once)',
          security: [],
          params: Type.Object({ listId: Type.String({ pattern: STATUS_LIST_ID_PATTERN, description: 'e.g. NTS-revocation-1' }) }),
          response: { 200: AnyObject('BitstringStatusListCredential'), ...problemResponses(400, 404) },
        },
      },
      async (request, reply) => {
        const credential = await wallet.statusListCredential(request.params.listId);
        if (!credential) throw new AppError('NOT_FOUND', `There is no status list ${request.params.listId}.`);
        return reply.type('application/vc+ld+json').header('cache-control', 'no-cache').send(credential);
      },
    );

    app.post(
      '/credentials/issue',
      {
        bodyLimit: CREDENTIAL_BODY_LIMIT,
        schema: {
          tags: ['wallet'],
          summary: 'VC-API: issue an e-certificate (officials of the issuing agency; claims from the registries; audited)',
          body: IssueBody,
          response: { 201: Type.Object({ verifiableCredential: AnyObject('The issued credential, with its Data Integrity proof') }), ...problemResponses(400, 401, 403, 404, 413) },
        },
      },
      async (request, reply) => {
        const issued = await wallet.issue(walletContextOf(request), toIssueRequest(request.body));
        return reply.status(201).header('cache-control', 'no-store').header('location', `/me/wallet/${encodeURIComponent(issued.id)}`).send({ verifiableCredential: issued.credential });
      },
    );

    app.post(
      '/credentials/status',
      {
        schema: {
          tags: ['wallet'],
          summary: 'VC-API: revoke a credential (officials of the issuing agency; a reason is required; audited). Verification fails from the moment this answers.',
          body: StatusBody,
          response: { 200: CertificateSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await wallet.revoke(walletContextOf(request), request.body.credentialId, request.body.reason)),
    );

    app.post(
      '/credentials/verify',
      {
        bodyLimit: CREDENTIAL_BODY_LIMIT,
        config: { csrf: false },
        schema: {
          tags: ['wallet'],
          summary: 'VC-API: verify a credential (public). 200 when it holds; otherwise problem+json: VC_MALFORMED or VC_CONTEXT_UNKNOWN (400), VC_PROOF_INVALID, VC_EXPIRED, VC_NOT_YET_VALID or VC_REVOKED (422), with the reason in detail',
          security: [],
          body: Type.Object({ verifiableCredential: Type.Unknown({ description: 'The credential (JSON-LD)' }), options: Type.Optional(AnyObject('VC-API verify options')) }, { additionalProperties: false }),
          response: { 200: VerifyResponse, ...problemResponses(400, 413, 422) },
        },
      },
      async (request, reply) => {
        const outcome = await wallet.verifyCredential(request.body.verifiableCredential);
        if (!outcome.verified) throw verificationProblem(outcome);
        return reply.header('cache-control', 'no-store').send(verifyAnswer(outcome));
      },
    );

    app.post(
      '/presentations/verify',
      {
        bodyLimit: PRESENTATION_BODY_LIMIT,
        config: { csrf: false },
        schema: {
          tags: ['wallet'],
          summary: `VC-API: verify a presentation (public): every credential in it (at most ${MAX_PRESENTED_CREDENTIALS}, body at most ${PRESENTATION_BODY_LIMIT / 1024} KB). Unsigned presentations only: holder proofs need holder keys this platform cannot resolve without the network`,
          security: [],
          body: Type.Object({ verifiablePresentation: Type.Unknown({ description: 'The presentation (JSON-LD)' }), options: Type.Optional(AnyObject('VC-API verify options (challenge, domain: not used for unsigned presentations)')) }, { additionalProperties: false }),
          response: {
            200: Type.Object({ verified: Type.Boolean(), checks: Type.Array(Type.String()), warnings: Type.Array(AnyObject('warning')), errors: Type.Array(AnyObject('error')), credentialResults: Type.Array(VerifyResponse) }),
            ...problemResponses(400, 413, 422),
          },
        },
      },
      async (request, reply) => {
        const vp = request.body.verifiablePresentation as Record<string, unknown> | null;
        const bad = (detail: string, field: string) => new AppError('VC_MALFORMED', detail, [{ field: `/body/verifiablePresentation${field}`, message: detail }]);
        if (typeof vp !== 'object' || vp === null || Array.isArray(vp)) throw bad('A presentation must be a JSON object.', '');
        const contexts = vp['@context'];
        if (!Array.isArray(contexts) || contexts[0] !== 'https://www.w3.org/ns/credentials/v2') throw bad('The first @context value must be https://www.w3.org/ns/credentials/v2.', '/@context');
        for (const [i, c] of contexts.entries()) {
          if (!wallet.crypto.isBundledContext(c)) throw new AppError('VC_CONTEXT_UNKNOWN', `The context ${String(c).slice(0, 200)} is not known here (contexts are never fetched).`, [{ field: `/body/verifiablePresentation/@context/${i}`, message: 'unknown context' }]);
        }
        const types = Array.isArray(vp.type) ? vp.type : [vp.type];
        if (!types.includes('VerifiablePresentation')) throw bad('type must include VerifiablePresentation.', '/type');
        if (vp.proof !== undefined) throw bad('Holder-signed presentations are not supported: send the presentation without a proof.', '/proof');
        const credentials = Array.isArray(vp.verifiableCredential) ? vp.verifiableCredential : vp.verifiableCredential === undefined ? [] : [vp.verifiableCredential];
        if (credentials.length === 0) throw bad('The presentation holds no credential.', '/verifiableCredential');
        if (credentials.length > MAX_PRESENTED_CREDENTIALS) throw new AppError('BODY_TOO_LARGE', `A presentation may hold at most ${MAX_PRESENTED_CREDENTIALS} credentials.`, [{ field: '/body/verifiablePresentation/verifiableCredential', message: `at most ${MAX_PRESENTED_CREDENTIALS}` }]);
        const outcomes = await Promise.all(credentials.map((c) => wallet.verifyCredential(c)));
        const failed = outcomes.findIndex((o) => !o.verified);
        if (failed >= 0) throw verificationProblem(outcomes[failed]!, `/body/verifiablePresentation/verifiableCredential/${failed}`);
        return reply.header('cache-control', 'no-store').send({ verified: true, checks: ['credentials'], warnings: [], errors: [], credentialResults: outcomes.map(verifyAnswer) });
      },
    );

    app.get(
      '/api/v1/me/wallet',
      {
        schema: {
          tags: ['wallet'],
          summary: 'The signed-in resident\'s e-certificates, newest first (audited)',
          response: { 200: Type.Object({ items: Type.Array(CertificateSchema) }), ...problemResponses(401, 403) },
        },
      },
      async (request, reply) => reply.header('cache-control', 'no-store').send({ items: await wallet.listForResident(walletContextOf(request)) }),
    );

    app.get(
      '/api/v1/wallet/shared-credentials/:id',
      {
        schema: {
          tags: ['wallet'],
          summary: 'A recipient (e.g. a bank) fetches a certificate the holder shared with it, with the once-only exchange\'s headers (X-Road-Client, Authorization: Bearer, X-Road-Purpose); checked against the active MyData consent, the use recorded and audited',
          security: [{ exchangeCredential: [] }],
          params: Type.Object({ id: Type.String({ pattern: DOC_URI_PATTERN, maxLength: 120, description: 'The certificate\'s document URI' }) }),
          headers: Type.Object(
            {
              'x-road-client': Type.String({ description: 'The recipient subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM' }),
              authorization: Type.String({ description: 'Bearer <exchange credential of that subsystem>' }),
              'x-road-purpose': Type.String({ description: 'The consent\'s purpose code, e.g. LOAN-SCREENING' }),
            },
            { additionalProperties: true },
          ),
          response: { 200: AnyObject('The verifiable credential'), ...problemResponses(400, 401, 403, 404, 429) },
        },
      },
      async (request, reply) => {
        const credential = await wallet.fetchShared({ credentialId: request.params.id, headers: request.headers, source: request.ip, requestId: request.id });
        return reply.type('application/vc+ld+json').header('cache-control', 'no-store').send(credential);
      },
    );
  };
}

