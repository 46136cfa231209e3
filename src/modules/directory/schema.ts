// Request and response schemas of the directory's X-Road-style metaservices. Response bodies keep
// X-Road's own field names (snake_case, as its security servers answer listClients and
// listMethods); what OnceGov adds (both languages, role, sensitivity) sits in extra fields.
import { Type } from '@sinclair/typebox';
import { Localised } from '../../core/schemas';
import { SUBSYSTEM_ID_PATTERN, XROAD_ID_PART_PATTERN } from './service';

const part = (description: string) => Type.String({ pattern: XROAD_ID_PART_PATTERN, description });

export const SubsystemParams = Type.Object({
  xRoadInstance: part('X-Road instance, e.g. KR'),
  memberClass: part('Member class, e.g. GOV or COM'),
  memberCode: part('Member code, e.g. MOIS'),
  subsystemCode: part('Subsystem code, e.g. resident-register'),
});

export const XRoadClientHeaders = Type.Object(
  {
    'x-road-client': Type.Optional(
      Type.String({ pattern: SUBSYSTEM_ID_PATTERN, description: 'The calling subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM (optional: the directory is public)' }),
    ),
  },
  { additionalProperties: true },
);

export const GetOpenApiQuery = Type.Object({
  serviceCode: part('Service code of a data product, e.g. resident.basic'),
  lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')], { description: 'Language of titles and descriptions' })),
});

const Role = Type.Union([Type.Literal('provider'), Type.Literal('consumer'), Type.Literal('both')]);
const Sensitivity = Type.Union([Type.Literal('public'), Type.Literal('personal'), Type.Literal('sensitive')]);

export const ClientList = Type.Object(
  {
    member: Type.Array(
      Type.Object({
        id: Type.Object({
          xroad_instance: Type.String(),
          member_class: Type.String(),
          member_code: Type.String(),
          subsystem_code: Type.Optional(Type.String()),
          object_type: Type.Union([Type.Literal('MEMBER'), Type.Literal('SUBSYSTEM')]),
        }),
        name: Type.String({ description: 'The member\'s official (Korean) name' }),
        subsystem_name: Type.Optional(Type.String({ description: 'The subsystem\'s official (Korean) name' })),
        names: Localised('The member\'s name in Korean and English'),
        subsystem_names: Type.Optional(Localised('The subsystem\'s name in Korean and English')),
        role: Type.Optional(Role),
      }),
    ),
  },
  { $id: 'XRoadClientList', description: 'Every member and subsystem in the directory (X-Road listClients)' },
);

export const ServiceList = Type.Object(
  {
    service: Type.Array(
      Type.Object({
        xroad_instance: Type.String(),
        member_class: Type.String(),
        member_code: Type.String(),
        subsystem_code: Type.String(),
        service_code: Type.String({ description: 'The data product id, e.g. resident.basic' }),
        object_type: Type.Literal('SERVICE'),
        service_type: Type.Literal('OPENAPI'),
        endpoint_list: Type.Array(Type.Object({ method: Type.String(), path: Type.String() })),
        title: Localised('The data product\'s title'),
        subject: Type.Union([Type.Literal('resident'), Type.Literal('business')]),
        sensitivity: Sensitivity,
      }),
    ),
  },
  { $id: 'XRoadServiceList', description: 'The services (data products) a subsystem provides (X-Road listMethods)' },
);

export const OpenApiDocument = Type.Object(
  {
    openapi: Type.String(),
    info: Type.Object({}, { additionalProperties: true }),
    servers: Type.Array(Type.Object({ url: Type.String() })),
    paths: Type.Object({}, { additionalProperties: true }),
    components: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true, description: 'OpenAPI 3.1 description of one data product (X-Road getOpenAPI)' },
);
