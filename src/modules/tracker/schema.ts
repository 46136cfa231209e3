// Request and response schemas of the Data Tracker API (fields after Estonia's Data Tracker:
// logtime, action, receiverCode, receiverName, receiverSystem; plus product, purpose, outcome,
// agreement and request id).
import { Type, type Static } from '@sinclair/typebox';
import { Localised } from '../../core/schemas';
import { DEFAULT_LIMIT, MAX_LIMIT, type ActorKind } from './service';

const Day = (description: string) =>
  Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', maxLength: 10, description: `${description}: a calendar day YYYY-MM-DD in Korean time (inclusive)` });

export const DataUsageQuery = Type.Object(
  {
    periodStart: Type.Optional(Day('First day of the period')),
    periodEnd: Type.Optional(Day('Last day of the period; not before periodStart')),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'How many entries to skip (newest first)' }),
    limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Entries per page, 1–${MAX_LIMIT}` }),
    lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);
export type DataUsageQueryType = Static<typeof DataUsageQuery>;

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const DataUsageSchema = Type.Object(
  {
    logtime: Type.String({ format: 'date-time', description: 'When the data was used' }),
    action: Localised('Why, in words a person understands: the purpose of an exchange read, or what was done'),
    actionCode: Type.String({ description: 'The audit action, e.g. exchange.read, registry.resident-record.read' }),
    actorKind: Type.Unsafe<ActorKind>({
      type: 'string',
      enum: ['you', 'system', 'official', 'operator', 'auditor', 'another-person', 'anonymous'],
      description: 'Who acted: you, an agency system (exchange), an official, the operator, an auditor, another person, or someone not signed in',
    }),
    receiverCode: Nullable(Type.String({ description: 'Agency code of the organisation that used the data' })),
    receiverName: Localised('Who used the data: the organisation, "you", or "another person"'),
    receiverSystem: Nullable(Type.String({ description: 'The receiving information system (X-Road subsystem id)' })),
    receiverSystemName: Type.Union([Localised('Name of the receiving system'), Type.Null()]),
    dataProduct: Type.Union([Type.Object({ id: Type.String(), title: Localised('Title of the data product') }), Type.Null()]),
    fields: Type.Array(Type.String(), { description: 'Fields of the data product that were provided' }),
    purpose: Type.Object({ code: Nullable(Type.String()), text: Type.String() }, { description: 'Purpose code (exchange) and the recorded purpose text' }),
    outcome: Type.Union([Type.Literal('allowed'), Type.Literal('denied'), Type.Literal('failed')]),
    agreementId: Nullable(Type.String({ description: 'The access agreement the exchange relied on' })),
    requestId: Nullable(Type.String({ description: 'Request id (X-Road-Id for exchange reads)' })),
    covert: Type.Optional(Type.Boolean({ description: 'Auditors only: hidden from the resident (law enforcement)' })),
    actorId: Type.Optional(Type.String({ description: 'Auditors only: the acting account or subsystem' })),
  },
  { additionalProperties: false },
);

export const DataUsagePageSchema = Type.Object({
  items: Type.Array(DataUsageSchema),
  total: Type.Integer({ description: 'Entries in the period in all' }),
  offset: Type.Integer(),
  limit: Type.Integer(),
  periodStart: Nullable(Type.String()),
  periodEnd: Nullable(Type.String()),
});
