// The directory's HTTP side: the GovStack Information Mediator directory metaservices in X-Road's
// REST style (listClients, listMethods, getOpenAPI; allowedMethods depends on access agreements
// and lives with them), and the public /directory page. Public metadata: no sign-in.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../../core/errors';
import { defineMessages, t, type Locale, type Message } from '../../core/i18n';
import { LocaleQuery, pageSchema, problemResponses } from '../../core/schemas';
import { html, type SafeHtml } from '../../core/web/html';
import { renderPage } from '../../core/web/layout';
import { DATA_PRODUCTS, type DataProduct, type DataProductField, type Sensitivity } from '../registry/data-products';
import { dataProductOpenApi } from './openapi';
import { ClientList, GetOpenApiQuery, OpenApiDocument, ServiceList, SubsystemParams, XRoadClientHeaders } from './schema';
import { formatSubsystemId, type DirectoryService, type Subsystem } from './service';

const messages = defineMessages({
  title: { ko: '정보공동이용 디렉터리', en: 'Once-only exchange directory' },
  lead: {
    ko: '기관 간 정보공동이용에 참여하는 기관과 정보시스템(하위시스템), 그리고 각 시스템이 제공하는 데이터 상품입니다. 기관은 이용 협약으로 승인된 항목만 받을 수 있습니다.',
    en: 'The organisations taking part in the once-only data exchange, their information systems (subsystems), and the data products each system provides. An agency receives only the fields its access agreement approves.',
  },
  machineReadable: { ko: '기계가 읽을 수 있는 목록:', en: 'Machine-readable list:' },
  members: { ko: '참여 기관', en: 'Members' },
  membersCaption: { ko: '참여 기관 목록', en: 'Organisations in the directory' },
  subsystems: { ko: '하위시스템', en: 'Subsystems' },
  subsystemsCaption: { ko: '하위시스템 목록과 제공하는 데이터', en: 'Subsystems and the data they provide' },
  products: { ko: '데이터 상품', en: 'Data products' },
  identifier: { ko: '식별자', en: 'Identifier' },
  name: { ko: '이름', en: 'Name' },
  memberClass: { ko: '기관 구분', en: 'Member class' },
  member: { ko: '기관', en: 'Member' },
  role: { ko: '역할', en: 'Role' },
  provides: { ko: '제공 데이터', en: 'Provides' },
  services: { ko: '서비스 목록', en: 'services' },
  none: { ko: '없음', en: 'None' },
  provider: { ko: '제공', en: 'Provider' },
  consumer: { ko: '이용', en: 'Consumer' },
  both: { ko: '제공·이용', en: 'Provider and consumer' },
  providedBy: { ko: '제공 하위시스템', en: 'Provided by' },
  subject: { ko: '조회 대상', en: 'Subject' },
  subjectResident: { ko: '주민(주민 ID)', en: 'A resident (registry id)' },
  subjectBusiness: { ko: '사업자(사업자등록번호)', en: 'A business (business registration number)' },
  sensitivity: { ko: '민감도', en: 'Sensitivity' },
  fieldsCaption: { ko: '{product}: 항목', en: '{product}: fields' },
  field: { ko: '항목 코드', en: 'Field code' },
  fieldTitle: { ko: '항목', en: 'Field' },
  type: { ko: '형식', en: 'Type' },
  description: { ko: 'OpenAPI 설명', en: 'OpenAPI description' },
  sensitivityLegend: { ko: '민감도 구분', en: 'Sensitivity classes' },
  public: { ko: '공개', en: 'Public' },
  personal: { ko: '개인정보', en: 'Personal' },
  sensitive: { ko: '민감정보', en: 'Sensitive' },
  publicHelp: { ko: '개인에 관한 정보가 아닙니다.', en: 'Not about a person.' },
  personalHelp: { ko: '개인을 알아볼 수 있는 정보입니다.', en: 'Personal data: it identifies or describes a person.' },
  sensitiveHelp: { ko: '건강·장애, 소득 등 특별히 보호되는 정보입니다.', en: 'Special categories such as health, disability and income.' },
  string: { ko: '문자열', en: 'Text' },
  integer: { ko: '정수', en: 'Integer' },
  date: { ko: '날짜', en: 'Date' },
  boolean: { ko: '예/아니요', en: 'Yes or no' },
  array: { ko: '목록', en: 'List' },
  oneOf: { ko: '값: {values}', en: 'one of {values}' },
  nullable: { ko: '없을 수 있음', en: 'may be empty' },
});

function typeLabel(locale: Locale, field: DataProductField): string {
  const parts = [t(locale, messages[field.type])];
  if (field.enum) parts.push(t(locale, messages.oneOf, { values: field.enum.join(', ') }));
  if (field.nullable) parts.push(t(locale, messages.nullable));
  return parts.join(locale === 'ko' ? ', ' : '; ');
}

const sensitivityLabel = (locale: Locale, s: Sensitivity) => t(locale, messages[s]);

/** Fields with array items flattened as "children[].nameKo", for one table per product. */
function flatten(fields: readonly DataProductField[], prefix = ''): Array<{ code: string; field: DataProductField }> {
  return fields.flatMap((field) => [
    { code: `${prefix}${field.name}`, field },
    ...(field.items ? flatten(field.items, `${prefix}${field.name}[].`) : []),
  ]);
}

function servicePath(subsystem: string, method: string, query = ''): string {
  return `/r1/${subsystem}/${method}${query}`;
}

export function directoryRoutes(directory: DirectoryService) {
  async function requireSubsystem(params: { xRoadInstance: string; memberClass: string; memberCode: string; subsystemCode: string }): Promise<Subsystem> {
    const id = formatSubsystemId({ instance: params.xRoadInstance, memberClass: params.memberClass, memberCode: params.memberCode, subsystemCode: params.subsystemCode });
    const subsystem = await directory.findSubsystem(id);
    if (!subsystem) throw new AppError('UNKNOWN_SUBSYSTEM', `There is no subsystem ${id} in the directory.`);
    return subsystem;
  }

  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/r1/listClients',
      {
        schema: {
          tags: ['directory'],
          summary: 'Every member and subsystem of the once-only exchange (X-Road listClients; public)',
          security: [],
          headers: XRoadClientHeaders,
          response: { 200: ClientList, ...problemResponses(400) },
        },
      },
      async () => {
        const [members, subsystems] = await Promise.all([directory.listMembers(), directory.listSubsystems()]);
        return {
          member: [
            ...members.map((m) => ({
              id: { xroad_instance: m.instance, member_class: m.memberClass, member_code: m.memberCode, object_type: 'MEMBER' as const },
              name: m.name.ko,
              names: m.name,
            })),
            ...subsystems.flatMap((s) => {
              const owner = members.find((m) => m.instance === s.instance && m.memberClass === s.memberClass && m.memberCode === s.memberCode);
              if (!owner) return [];
              return [
                {
                  id: {
                    xroad_instance: s.instance,
                    member_class: s.memberClass,
                    member_code: s.memberCode,
                    subsystem_code: s.subsystemCode,
                    object_type: 'SUBSYSTEM' as const,
                  },
                  name: owner.name.ko,
                  subsystem_name: s.name.ko,
                  names: owner.name,
                  subsystem_names: s.name,
                  role: s.role,
                },
              ];
            }),
          ],
        };
      },
    );

    app.get(
      '/r1/:xRoadInstance/:memberClass/:memberCode/:subsystemCode/listMethods',
      {
        schema: {
          tags: ['directory'],
          summary: 'The services (data products) a subsystem provides (X-Road listMethods; public)',
          security: [],
          params: SubsystemParams,
          headers: XRoadClientHeaders,
          response: { 200: ServiceList, ...problemResponses(400, 404) },
        },
      },
      async (request) => {
        const subsystem = await requireSubsystem(request.params);
        return {
          service: directory.providedProducts(subsystem.id).map((product) => ({
            xroad_instance: subsystem.instance,
            member_class: subsystem.memberClass,
            member_code: subsystem.memberCode,
            subsystem_code: subsystem.subsystemCode,
            service_code: product.id,
            object_type: 'SERVICE' as const,
            service_type: 'OPENAPI' as const,
            endpoint_list: [{ method: 'GET', path: '/*' }],
            title: product.title,
            subject: product.subject,
            sensitivity: product.sensitivity,
          })),
        };
      },
    );

    app.get(
      '/r1/:xRoadInstance/:memberClass/:memberCode/:subsystemCode/getOpenAPI',
      {
        schema: {
          tags: ['directory'],
          summary: 'The OpenAPI 3.1 description of one data product: its fields, types, titles (ko/en) and sensitivity (X-Road getOpenAPI; public)',
          security: [],
          params: SubsystemParams,
          querystring: GetOpenApiQuery,
          headers: XRoadClientHeaders,
          response: { 200: OpenApiDocument, ...problemResponses(400, 404) },
        },
      },
      async (request) => {
        const subsystem = await requireSubsystem(request.params);
        const product = directory.providedProducts(subsystem.id).find((p) => p.id === request.query.serviceCode);
        if (!product) throw new AppError('UNKNOWN_SERVICE', `${subsystem.id} provides no service ${request.query.serviceCode}.`);
        return dataProductOpenApi(product, request.locale);
      },
    );

    app.get(
      '/directory',
      { schema: { ...pageSchema('The directory of the once-only exchange: members, subsystems, data products and their fields'), querystring: LocaleQuery } },
      async (request, reply) => {
        const locale = request.locale;
        const [members, subsystems] = await Promise.all([directory.listMembers(), directory.listSubsystems()]);
        const memberName = (s: Subsystem) =>
          members.find((m) => m.instance === s.instance && m.memberClass === s.memberClass && m.memberCode === s.memberCode)?.name[locale] ?? s.memberCode;
        const subsystemById = new Map(subsystems.map((s) => [s.id, s]));
        const label = (message: Message) => t(locale, message);
        return renderPage(request, reply, {
          title: label(messages.title),
          body: html`<h1>${label(messages.title)}</h1>
<p class="lead">${label(messages.lead)}</p>
<p>${label(messages.machineReadable)} <a href="/r1/listClients"><code>/r1/listClients</code></a></p>
<h2 id="members">${label(messages.members)}</h2>
<table>
<caption>${label(messages.membersCaption)}</caption>
<thead><tr><th scope="col">${label(messages.identifier)}</th><th scope="col">${label(messages.name)}</th><th scope="col">${label(messages.memberClass)}</th></tr></thead>
<tbody>${members.map(
            (m) => html`<tr><th scope="row"><code>${m.id}</code></th><td>${m.name[locale]}</td><td>${m.className[locale]} (<code>${m.memberClass}</code>)</td></tr>`,
          )}</tbody>
</table>
<h2 id="subsystems">${label(messages.subsystems)}</h2>
<table>
<caption>${label(messages.subsystemsCaption)}</caption>
<thead><tr><th scope="col">${label(messages.identifier)}</th><th scope="col">${label(messages.name)}</th><th scope="col">${label(messages.member)}</th><th scope="col">${label(messages.role)}</th><th scope="col">${label(messages.provides)}</th></tr></thead>
<tbody>${subsystems.map((s) => {
            const products = directory.providedProducts(s.id);
            return html`<tr><th scope="row"><code>${s.id}</code></th><td>${s.name[locale]}</td><td>${memberName(s)}</td><td>${label(messages[s.role])}</td>
<td>${
              products.length === 0
                ? label(messages.none)
                : html`<ul>${products.map((p) => html`<li><a href="#product-${p.id.replace(/\W/g, '-')}">${p.title[locale]}</a></li>`)}</ul>
<a href="${servicePath(s.id, 'listMethods')}">${s.subsystemCode} ${label(messages.services)} (<code>listMethods</code>)</a>`
            }</td></tr>`;
          })}</tbody>
</table>
<h2 id="products">${label(messages.products)}</h2>
<h3 id="sensitivity-classes">${label(messages.sensitivityLegend)}</h3>
<dl class="facts">
<dt>${label(messages.public)}</dt><dd>${label(messages.publicHelp)}</dd>
<dt>${label(messages.personal)}</dt><dd>${label(messages.personalHelp)}</dd>
<dt>${label(messages.sensitive)}</dt><dd>${label(messages.sensitiveHelp)}</dd>
</dl>
${DATA_PRODUCTS.map((product) => productSection(locale, product, subsystemById.get(product.providerSubsystem)))}`,
        });
      },
    );
  };
}

function productSection(locale: Locale, product: DataProduct, provider: Subsystem | undefined): SafeHtml {
  const anchor = `product-${product.id.replace(/\W/g, '-')}`;
  const title = product.title[locale];
  return html`<section aria-labelledby="${anchor}">
<h3 id="${anchor}">${title} (<code>${product.id}</code>)</h3>
<p>${product.description[locale]}</p>
<dl class="facts">
<dt>${t(locale, messages.providedBy)}</dt><dd>${provider ? provider.name[locale] : ''} (<code>${product.providerSubsystem}</code>)</dd>
<dt>${t(locale, messages.subject)}</dt><dd>${t(locale, product.subject === 'business' ? messages.subjectBusiness : messages.subjectResident)}</dd>
<dt>${t(locale, messages.sensitivity)}</dt><dd>${sensitivityLabel(locale, product.sensitivity)}</dd>
<dt>${t(locale, messages.description)}</dt><dd><a href="${servicePath(product.providerSubsystem, 'getOpenAPI', `?serviceCode=${encodeURIComponent(product.id)}&lang=${locale}`)}"><code>getOpenAPI?serviceCode=${product.id}</code></a></dd>
</dl>
<table>
<caption>${t(locale, messages.fieldsCaption, { product: title })}</caption>
<thead><tr><th scope="col">${t(locale, messages.field)}</th><th scope="col">${t(locale, messages.fieldTitle)}</th><th scope="col">${t(locale, messages.type)}</th><th scope="col">${t(locale, messages.sensitivity)}</th></tr></thead>
<tbody>${flatten(product.fields).map(
    ({ code, field }) =>
      html`<tr><th scope="row"><code>${code}</code></th><td>${field.title[locale]}</td><td>${typeLabel(locale, field)}</td><td>${sensitivityLabel(locale, field.sensitivity)}</td></tr>`,
  )}</tbody>
</table>
</section>`;
}
