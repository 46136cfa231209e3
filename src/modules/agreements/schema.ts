// Request and response schemas of the agreements API and the X-Road directory service allowedMethods.
import { Type } from '@sinclair/typebox';
import { SUBSYSTEM_ID_PATTERN, XROAD_ID_PART_PATTERN } from '../directory';
import { PURPOSES } from './purposes';
import { LEGAL_BASIS_MAX, PURPOSE_TEXT_MAX, REASON_MAX, STATUSES } from './rules';

/** A string from a fixed list, as one JSON Schema `enum` (one clear validation error, not one per value). */
const stringEnum = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });


export const AgreementId = Type.String({ pattern: '^AGR-[0-9]{4}-[0-9]{6,}$', maxLength: 30, description: 'Agreement id, e.g. AGR-2026-000123' });
export const PurposeCode = stringEnum(
  PURPOSES.map((p) => p.code),
  { description: `Purpose from the catalogue: ${PURPOSES.map((p) => `${p.code} (${p.title.en})`).join(', ')}` },
);
export const Status = stringEnum(STATUSES, { description: 'requested, active, suspended, rejected, or expired (validity ended)' });
const Decision = stringEnum(['approve', 'reject'] as const);
const NullableDecision = Type.Union([Decision, Type.Null()]);
const DateTime = (description: string) => Type.String({ format: 'date-time', description });

export const AgreementRequestBody = Type.Object(
  {
    clientSubsystem: Type.String({
      pattern: SUBSYSTEM_ID_PATTERN,
      maxLength: 263,
      description: 'The consuming subsystem INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. KR/GOV/MOHW/welfare-benefits; it must belong to your agency',
    }),
    productId: Type.String({ minLength: 1, maxLength: 100, description: 'The data product, e.g. family.children' }),
    purposeCode: PurposeCode,
    purposeText: Type.String({ maxLength: PURPOSE_TEXT_MAX, description: 'What the data is used for, in your words' }),
    legalBasis: Type.String({ maxLength: LEGAL_BASIS_MAX, description: 'Act and article, e.g. Social Security Benefits Act art. 12' }),
    fields: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200, description: 'The exact fields of the product to be shared (at least one)' }),
    validFrom: Type.Optional(DateTime('Start of validity (default: now)')),
    validUntil: DateTime('End of validity: after the start, at most 5 years later'),
    consentRequired: Type.Boolean({ description: 'Whether each use needs the resident\'s consent' }),
    covert: Type.Optional(Type.Boolean({ description: 'Hide accesses from the resident (LAW-ENFORCEMENT only); default false' })),
  },
  { additionalProperties: false },
);

const HistoryEntry = Type.Object({
  action: stringEnum(['request', 'approve', 'reject', 'suspend', 'resume'] as const),
  capacity: stringEnum(['client', 'holder', 'operator'] as const),
  actorId: Type.String(),
  actorRole: Type.String(),
  actorAgency: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  statusAfter: Type.String(),
  at: Type.String({ format: 'date-time' }),
});

const agreementProperties = {
  id: AgreementId,
  status: Status,
  clientSubsystem: Type.String(),
  clientAgency: Type.String({ description: 'Member code of the client subsystem: the requesting agency' }),
  productId: Type.String(),
  providerSubsystem: Type.String(),
  holderAgency: Type.String({ description: 'Member code of the provider subsystem: the data-holding agency' }),
  purposeCode: Type.String(),
  purposeText: Type.String(),
  legalBasis: Type.String(),
  fields: Type.Array(Type.String()),
  validFrom: Type.String({ format: 'date-time' }),
  validUntil: Type.String({ format: 'date-time' }),
  consentRequired: Type.Boolean(),
  covert: Type.Boolean(),
  holderDecision: NullableDecision,
  operatorDecision: NullableDecision,
  requestedBy: Type.String({ description: 'Account of the requesting official' }),
  requestedAt: Type.String({ format: 'date-time' }),
  activatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
};

export const AgreementSchema = Type.Object(
  { ...agreementProperties, history: Type.Array(HistoryEntry, { description: 'Request, decisions, suspensions and resumptions, oldest first' }) },
  { $id: 'Agreement', description: 'An access agreement: who may use which data, for what purpose, until when' },
);

export const AgreementListSchema = Type.Object(
  {
    items: Type.Array(Type.Object(agreementProperties)),
    total: Type.Integer({ description: 'Matching agreements in all pages' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  },
  { $id: 'AgreementList' },
);

export const ListQuerySchema = Type.Object({
  status: Type.Optional(Status),
  side: Type.Optional(stringEnum(['client', 'holder'] as const, { description: 'Officials: only as client, or only as data holder' })),
  awaitingMyDecision: Type.Optional(Type.Boolean({ description: 'Only requests waiting for your decision (holder officials, the operator)' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
});

export const IdParams = Type.Object({ id: AgreementId });

export const DecisionBody = Type.Object(
  {
    decision: Decision,
    reason: Type.Optional(Type.String({ maxLength: REASON_MAX, description: 'Required when rejecting' })),
  },
  { additionalProperties: false },
);

export const SuspensionBody = Type.Object(
  { reason: Type.String({ maxLength: REASON_MAX, description: 'Why the agreement is suspended (required)' }) },
  { additionalProperties: false },
);

export const ResumptionBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: REASON_MAX, description: 'Why it may be used again (optional)' })) },
  { additionalProperties: false, description: 'Optional' },
);

/** The X-Road REST metaservice answer (PR-MREST), as listMethods answers: one entry per service the client may call. */
export const AllowedMethodsSchema = Type.Object(
  {
    service: Type.Array(
      Type.Object({
        object_type: Type.Literal('SERVICE'),
        xroad_instance: Type.String(),
        member_class: Type.String(),
        member_code: Type.String(),
        subsystem_code: Type.String(),
        service_code: Type.String({ description: 'The data product id, e.g. family.children' }),
        service_type: Type.Literal('OPENAPI'),
        endpoint_list: Type.Array(Type.Object({ method: Type.String(), path: Type.String() })),
      }),
    ),
  },
  { $id: 'XRoadAllowedMethods', description: 'The services a client may call on a provider under active agreements (X-Road allowedMethods)' },
);

const part = (description: string) => Type.String({ pattern: XROAD_ID_PART_PATTERN, description });

/** The provider subsystem in the path, named as the directory's metaservices name it. */
export const XRoadPathParams = Type.Object({
  xRoadInstance: part('X-Road instance, e.g. KR'),
  memberClass: part('Member class of the provider, e.g. GOV'),
  memberCode: part('Member code of the provider, e.g. SCOURT'),
  subsystemCode: part('Subsystem code of the provider, e.g. family-relations'),
});

export const XRoadClientHeaders = Type.Object({
  'x-road-client': Type.String({
    pattern: SUBSYSTEM_ID_PATTERN,
    maxLength: 263,
    description: 'The calling client subsystem: INSTANCE/CLASS/MEMBER/SUBSYSTEM',
  }),
});
