// What an application form holds, as pure functions: which registry data products the services
// need (fetched through the exchange instead of asked), how a product's record becomes read-only
// form fields, what the resident still enters (a payment account, documents no registry holds),
// and the checks on submission (tampered pre-filled values, missing answers), each problem naming
// its field.
import type { FieldProblem } from '../../core/errors';
import type { Message } from '../../core/i18n';
import { DATA_PRODUCTS, findDataProduct, type DataProduct, type DataProductField } from '../registry/data-products';
import type { CatalogueService } from '../services';

/** One read-only field the platform fills from a registry. */
export interface PrefillField {
  /** Form control name and key in `prefilled`, e.g. `resident.basic.nameKo`, `family.children.children.1.birthDate`. */
  name: string;
  productId: string;
  label: Message;
  value: string;
}

/** One field the resident fills in. */
export interface AnswerField {
  name: string;
  label: Message;
  hint: Message | null;
  /** The services that need it. */
  serviceIds: string[];
  kind: 'bank' | 'account-number' | 'upload';
}

export type FormMode = 'registry' | 'uploads';

/** The bank-book copy benefit services ask for: online, the resident gives the account instead. */
const BANK_BOOK_KO = '지급받을 통장 사본';

export const BANKS: readonly { code: string; name: Message }[] = [
  { code: 'KB', name: { ko: 'KB국민은행', en: 'KB Kookmin Bank' } },
  { code: 'SHINHAN', name: { ko: '신한은행', en: 'Shinhan Bank' } },
  { code: 'WOORI', name: { ko: '우리은행', en: 'Woori Bank' } },
  { code: 'HANA', name: { ko: '하나은행', en: 'Hana Bank' } },
  { code: 'NH', name: { ko: 'NH농협은행', en: 'NongHyup Bank' } },
  { code: 'IBK', name: { ko: 'IBK기업은행', en: 'Industrial Bank of Korea' } },
  { code: 'KAKAO', name: { ko: '카카오뱅크', en: 'KakaoBank' } },
  { code: 'TOSS', name: { ko: '토스뱅크', en: 'Toss Bank' } },
  { code: 'POST', name: { ko: '우체국', en: 'Korea Post' } },
];

/** Data products about a resident the services need (what the platform fetches). */
export function fetchedProducts(services: readonly CatalogueService[]): DataProduct[] {
  const ids: string[] = [];
  for (const service of services) {
    for (const document of service.requiredDocuments) {
      const product = document.dataProductId ? findDataProduct(document.dataProductId) : undefined;
      if (product?.subject === 'resident' && !ids.includes(product.id)) ids.push(product.id);
    }
  }
  // In the registries' catalogue order: the applicant's own record first, then household, family, income…
  return DATA_PRODUCTS.filter((product) => ids.includes(product.id));
}

/** The services among `services` that need `productId`. */
export function servicesNeeding(services: readonly CatalogueService[], productId: string): CatalogueService[] {
  return services.filter((s) => s.requiredDocuments.some((d) => d.dataProductId === productId));
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/**
 * A product's record (as the exchange answered it, minimised) as form fields: scalars by name,
 * arrays item by item (numbered from 1). Internal resident ids are not shown.
 */
export function flattenRecord(product: DataProduct, record: Record<string, unknown>): PrefillField[] {
  const fields: PrefillField[] = [];
  const add = (field: DataProductField, name: string, label: Message, value: unknown) => {
    if (field.name === 'residentId') return;
    fields.push({ name, productId: product.id, label, value: show(value) });
  };
  for (const field of product.fields) {
    if (!Object.hasOwn(record, field.name)) continue;
    const value = record[field.name];
    if (field.type === 'array' && field.items) {
      const items = Array.isArray(value) ? value : [];
      items.forEach((item, index) => {
        for (const sub of field.items!) {
          const n = index + 1;
          add(sub, `${product.id}.${field.name}.${n}.${sub.name}`, { ko: `${field.title.ko} ${n}: ${sub.title.ko}`, en: `${field.title.en} ${n}: ${sub.title.en}` }, (item as Record<string, unknown>)[sub.name]);
        }
      });
    } else {
      add(field, `${product.id}.${field.name}`, field.title, value);
    }
  }
  return fields;
}

/**
 * Derived fields a birth-related application is about: the youngest child (the newborn) and their
 * birth order, from family.children. Registry-derived, so read-only and checked like the rest.
 */
export function childFields(record: Record<string, unknown> | undefined): PrefillField[] {
  const children = Array.isArray(record?.children) ? (record.children as Array<Record<string, unknown>>) : [];
  if (children.length === 0) return [];
  const byBirth = [...children].sort((a, b) => show(a.birthDate).localeCompare(show(b.birthDate)));
  const youngest = byBirth.at(-1)!;
  const product = 'family.children';
  return [
    { name: 'child.nameKo', productId: product, label: { ko: '신청 대상 자녀 성명(한글)', en: 'Child applied for: name (Hangul)' }, value: show(youngest.nameKo) },
    { name: 'child.nameRomanized', productId: product, label: { ko: '신청 대상 자녀 성명(로마자)', en: 'Child applied for: name (romanised)' }, value: show(youngest.nameRomanized) },
    { name: 'child.birthDate', productId: product, label: { ko: '신청 대상 자녀 생년월일', en: 'Child applied for: date of birth' }, value: show(youngest.birthDate) },
    { name: 'child.birthOrder', productId: product, label: { ko: '출생 순위(몇째)', en: 'Birth order (1 = first child)' }, value: String(byBirth.length) },
  ];
}

/** Every pre-filled field of a form, from the records read (product id → record). */
export function prefillFields(products: readonly DataProduct[], records: ReadonlyMap<string, Record<string, unknown>>): PrefillField[] {
  const fields: PrefillField[] = [];
  for (const product of products) {
    const record = records.get(product.id);
    if (!record) continue;
    if (product.id === 'family.children') fields.push(...childFields(record));
    fields.push(...flattenRecord(product, record));
  }
  return fields;
}

/**
 * What the resident enters: a payment account for benefits paid into one, and the documents no
 * registry holds; without consent the fetched ones too, and always those GOV24 cannot read now
 * (`unreadable`: products without an active agreement, e.g. one the holder suspended).
 */
export function answerFields(services: readonly CatalogueService[], mode: FormMode, unreadable: ReadonlySet<string> = new Set()): AnswerField[] {
  const fields: AnswerField[] = [];
  const find = (name: string) => fields.find((f) => f.name === name);
  const need = (field: Omit<AnswerField, 'serviceIds'>, serviceId: string) => {
    const existing = find(field.name);
    if (existing) {
      if (!existing.serviceIds.includes(serviceId)) existing.serviceIds.push(serviceId);
    } else fields.push({ ...field, serviceIds: [serviceId] });
  };
  for (const service of services) {
    for (const document of service.requiredDocuments) {
      const product = document.dataProductId ? findDataProduct(document.dataProductId) : undefined;
      if (document.kind === 'upload' && document.name.ko === BANK_BOOK_KO) {
        need({ name: 'bankCode', kind: 'bank', label: { ko: '지급받을 은행', en: 'Bank to be paid into' }, hint: null }, service.id);
        need(
          {
            name: 'accountNumber',
            kind: 'account-number',
            label: { ko: '계좌번호(신청인 본인 명의)', en: 'Account number (in your own name)' },
            hint: { ko: '숫자 10~16자리, 붙임표(-) 가능. 예: 123-456-789012', en: '10 to 16 digits, hyphens allowed, for example 123-456-789012' },
          },
          service.id,
        );
      } else if (document.kind === 'upload' || (product && (mode === 'uploads' || product.subject !== 'resident' || unreadable.has(product.id)))) {
        const key = product ? product.id : document.name.en.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
        need(
          {
            name: `upload.${key}`,
            kind: 'upload',
            label: { ko: `${document.name.ko} — 첨부 파일 이름`, en: `${document.name.en}: name of the attached file` },
            hint: { ko: '예: 서류.pdf (시연: 파일 이름만 받습니다)', en: 'For example document.pdf (demo: only the file name is taken)' },
          },
          service.id,
        );
      }
    }
  }
  return fields;
}

const ACCOUNT_NUMBER = /^[0-9][0-9-]{8,18}[0-9]$/;

/** The resident's answers checked: every problem at once, each naming its field under `pointerBase`. */
export function checkAnswers(fields: readonly AnswerField[], given: Record<string, unknown>, pointerBase: string): { answers: Record<string, string>; problems: FieldProblem[] } {
  const answers: Record<string, string> = {};
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const raw = given[field.name];
    const value = typeof raw === 'string' ? raw.trim() : '';
    const problem = (message: string) => problems.push({ field: `${pointerBase}/${field.name}`, message });
    if (field.kind === 'bank') {
      if (!BANKS.some((b) => b.code === value)) problem('choose a bank from the list');
    } else if (field.kind === 'account-number') {
      const digits = value.replaceAll('-', '');
      if (!ACCOUNT_NUMBER.test(value) || digits.length < 10 || digits.length > 16) problem('must be 10 to 16 digits, hyphens allowed');
    } else if (value.length < 1 || value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
      problem('give the name of the attached file (1 to 200 characters)');
    }
    answers[field.name] = value;
  }
  const known = new Set(fields.map((f) => f.name));
  for (const name of Object.keys(given)) if (!known.has(name)) problems.push({ field: `${pointerBase}/${name}`, message: 'is not a field of this application' });
  return { answers, problems };
}

/**
 * Submitted pre-filled values against a fresh read: each changed, missing or unknown value is a
 * problem naming its field. `complete` (the HTML form sends every field) also refuses a missing one.
 */
export function checkPrefilled(fresh: readonly PrefillField[], submitted: Record<string, unknown>, pointerBase: string, complete: boolean): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byName = new Map(fresh.map((f) => [f.name, f]));
  for (const field of fresh) {
    const given = submitted[field.name];
    if (given === undefined) {
      if (complete) problems.push({ field: `${pointerBase}/${field.name}`, message: 'is missing; it comes from the registry and must be sent as shown' });
    } else if (typeof given !== 'string' || given !== field.value) {
      problems.push({ field: `${pointerBase}/${field.name}`, message: 'does not match the registry; values filled in from the registry cannot be changed' });
    }
  }
  for (const name of Object.keys(submitted)) {
    if (!byName.has(name)) problems.push({ field: `${pointerBase}/${name}`, message: 'is not a registry field of this application' });
  }
  return problems;
}
