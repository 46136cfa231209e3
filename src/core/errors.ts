// The one catalogue of coded errors. Every error a client can see has a stable `code` listed here,
// an HTTP status, and a title in Korean and English; responses are RFC 9457 problem+json.
import type { Locale } from './i18n';

export interface ErrorDefinition {
  status: number;
  title: Record<Locale, string>;
}

export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, title: { en: 'The request is not valid', ko: '요청 내용이 올바르지 않습니다' } },
  MALFORMED_BODY: { status: 400, title: { en: 'The request body could not be parsed', ko: '요청 본문을 해석할 수 없습니다' } },
  UNAUTHENTICATED: { status: 401, title: { en: 'Sign-in is required', ko: '로그인이 필요합니다' } },
  CSRF_TOKEN_INVALID: { status: 403, title: { en: 'The form has expired or did not come from this site', ko: '양식이 만료되었거나 이 사이트에서 보낸 것이 아닙니다' } },
  FORBIDDEN: { status: 403, title: { en: 'You are not allowed to do this', ko: '이 작업을 할 권한이 없습니다' } },
  NOT_FOUND: { status: 404, title: { en: 'Not found', ko: '찾을 수 없습니다' } },
  ROUTE_NOT_FOUND: { status: 404, title: { en: 'There is no such page or API route', ko: '해당 페이지나 API 경로가 없습니다' } },
  UNKNOWN_SUBSYSTEM: { status: 404, title: { en: 'There is no such subsystem in the directory', ko: '디렉터리에 등록되지 않은 하위시스템입니다' } },
  UNKNOWN_SERVICE: { status: 404, title: { en: 'The subsystem provides no such service', ko: '해당 하위시스템이 제공하지 않는 서비스입니다' } },
  METHOD_NOT_ALLOWED: { status: 405, title: { en: 'This method is not allowed here', ko: '허용되지 않는 메서드입니다' } },
  NOT_ACCEPTABLE: { status: 406, title: { en: 'No acceptable representation', ko: '요청한 형식으로 응답할 수 없습니다' } },
  CONFLICT: { status: 409, title: { en: 'The request conflicts with the current state', ko: '현재 상태와 충돌하는 요청입니다' } },
  BODY_TOO_LARGE: { status: 413, title: { en: 'The request body is too large', ko: '요청 본문이 너무 큽니다' } },
  URI_TOO_LONG: { status: 414, title: { en: 'The address is too long', ko: '주소가 너무 깁니다' } },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: { en: 'This content type is not supported', ko: '지원하지 않는 콘텐츠 형식입니다' } },
  HEADERS_TOO_LARGE: { status: 431, title: { en: 'The request headers are too large', ko: '요청 헤더가 너무 큽니다' } },
  TOO_MANY_REQUESTS: { status: 429, title: { en: 'Too many requests', ko: '요청이 너무 많습니다' } },
  AUTHENTICATION_FAILED: { status: 401, title: { en: 'The authenticator could not confirm who you are', ko: '인증기관에서 본인 확인을 하지 못했습니다' } },
  CLIENT_CREDENTIAL_INVALID: { status: 401, title: { en: 'The client subsystem\'s credential is missing or not valid', ko: '하위시스템 인증 정보가 없거나 올바르지 않습니다' } },
  AGREEMENT_MISSING: { status: 403, title: { en: 'No active access agreement covers this request', ko: '이 요청에 해당하는 유효한 이용 협약이 없습니다' } },
  CONSENT_REQUIRED: { status: 403, title: { en: 'The data subject\'s consent is required', ko: '정보주체의 동의가 필요합니다' } },
  CATALOGUE_SERVICE_NOT_FOUND: { status: 404, title: { en: 'There is no such service in the catalogue', ko: '서비스 목록에 없는 서비스입니다' } },
  DATASET_NOT_FOUND: { status: 404, title: { en: 'There is no such dataset in the data catalogue', ko: '데이터 목록에 없는 데이터셋입니다' } },
  DATA_RESOURCE_NOT_FOUND: { status: 404, title: { en: 'There is no such data resource', ko: '해당 데이터 리소스가 없습니다' } },
  UPLOAD_NOT_FOUND: { status: 404, title: { en: 'There is no such pending upload', ko: '확인을 기다리는 해당 업로드가 없습니다' } },
  UPLOAD_REJECTED: { status: 422, title: { en: 'The file cannot be imported; nothing was imported', ko: '파일을 가져올 수 없습니다. 아무것도 저장하지 않았습니다' } },
  SERVICE_BUNDLE_NOT_FOUND: { status: 404, title: { en: 'There is no such service bundle', ko: '해당 묶음 서비스가 없습니다' } },
  SSO_INTERACTION_NOT_FOUND: { status: 404, title: { en: 'The sign-in request has expired or is unknown', ko: '로그인 요청이 만료되었거나 알 수 없는 요청입니다' } },
  SUBJECT_NOT_FOUND: { status: 404, title: { en: 'There is no such data subject', ko: '해당 정보주체가 없습니다' } },
  // Mobile ID (src/modules/mobile-id): why a presentation was not accepted.
  MOBILE_ID_NOT_FOUND: { status: 404, title: { en: 'There is no such Mobile ID', ko: '해당 모바일 신분증이 없습니다' } },
  MOBILE_ID_REQUEST_NOT_FOUND: { status: 404, title: { en: 'There is no such Mobile ID verification request', ko: '해당 모바일 신분증 확인 요청이 없습니다' } },
  MOBILE_ID_REQUEST_EXPIRED: { status: 410, title: { en: 'The verification request has expired; make a new one', ko: '확인 요청의 유효 시간이 지났습니다. 새로 요청하세요' } },
  MOBILE_ID_PRESENTATION_MALFORMED: { status: 400, title: { en: 'The Mobile ID presentation is not a well-formed SD-JWT', ko: '모바일 신분증 제시 정보의 형식이 올바르지 않습니다' } },
  MOBILE_ID_SIGNATURE_INVALID: { status: 422, title: { en: 'The Mobile ID was not signed by the issuer, or was altered', ko: '발급기관의 서명이 없거나 위·변조된 모바일 신분증입니다' } },
  MOBILE_ID_DISCLOSURE_INVALID: { status: 422, title: { en: 'A disclosed attribute does not belong to this Mobile ID', ko: '제시된 항목이 이 모바일 신분증에 포함된 것이 아닙니다' } },
  MOBILE_ID_KEY_BINDING_INVALID: { status: 422, title: { en: 'The presentation was not made by the device the Mobile ID was issued to', ko: '모바일 신분증을 발급받은 기기에서 제시한 것이 아닙니다' } },
  MOBILE_ID_NONCE_MISMATCH: { status: 422, title: { en: 'The presentation answers a different verification request', ko: '다른 확인 요청에 대한 제시 정보입니다' } },
  MOBILE_ID_REPLAYED: { status: 409, title: { en: 'This verification request has already been answered', ko: '이미 응답한 확인 요청입니다' } },
  MOBILE_ID_ATTRIBUTE_MISSING: { status: 422, title: { en: 'The presentation does not show an attribute the verifier asked for', ko: '요청한 항목이 제시되지 않았습니다' } },
  MOBILE_ID_EXPIRED: { status: 422, title: { en: 'The Mobile ID has expired', ko: '유효 기간이 지난 모바일 신분증입니다' } },
  MOBILE_ID_REVOKED: { status: 422, title: { en: 'The Mobile ID has been revoked (reported lost or replaced)', ko: '효력이 정지된 모바일 신분증입니다(분실 신고 또는 재발급)' } },
  API_KEY_INVALID: { status: 401, title: { en: 'The API key is missing, unknown or malformed', ko: 'API 키가 없거나 올바르지 않습니다' } },
  API_KEY_REVOKED: { status: 401, title: { en: 'The API key has been revoked', ko: '폐기된 API 키입니다' } },
  API_KEY_NOT_FOUND: { status: 404, title: { en: 'You have no such API key', ko: '해당 API 키가 없습니다' } },
  API_KEY_ALREADY_REVOKED: { status: 409, title: { en: 'The API key is already revoked', ko: '이미 폐기된 API 키입니다' } },
  API_RATE_LIMIT_EXCEEDED: { status: 429, title: { en: 'The open data API rate limit is used up; retry later', ko: '공공데이터 API 호출 한도를 넘었습니다. 잠시 후 다시 시도하세요' } },
  DEVELOPER_NOT_REGISTERED: { status: 409, title: { en: 'Register as a developer first', ko: '먼저 개발자로 등록하세요' } },
  DEVELOPER_ALREADY_REGISTERED: { status: 409, title: { en: 'You are already registered as a developer', ko: '이미 개발자로 등록되어 있습니다' } },
  DATA_REQUEST_NOT_FOUND: { status: 404, title: { en: 'There is no such data request', ko: '해당 데이터 제공 요청이 없습니다' } },
  DATA_REQUEST_TRANSITION_INVALID: { status: 409, title: { en: 'The data request cannot take this step in its current state', ko: '현재 상태의 데이터 제공 요청에는 이 처리를 할 수 없습니다' } },
  PROGRAMME_NOT_FOUND: { status: 404, title: { en: 'There is no such rationing programme', ko: '해당 배분 사업이 없습니다' } },
  OUTLET_KEY_INVALID: { status: 401, title: { en: 'The outlet\'s API key is missing or not valid', ko: '판매처 인증키가 없거나 올바르지 않습니다' } },
  RATIONING_NOT_PURCHASE_DAY: { status: 403, title: { en: 'This person cannot buy today: it is not their purchase day', ko: '오늘은 이 분의 구매 요일이 아닙니다' } },
  RATIONING_LIMIT_REACHED: { status: 409, title: { en: 'This person has already bought their limit for this period', ko: '이번 기간의 1인당 구매 한도를 이미 채웠습니다' } },
  RATIONING_OUT_OF_STOCK: { status: 409, title: { en: 'The outlet has not enough stock left', ko: '판매처의 재고가 부족합니다' } },
  VC_MALFORMED: { status: 400, title: { en: 'This is not a well-formed verifiable credential', ko: '올바른 형식의 검증 가능한 증명서가 아닙니다' } },
  VC_CONTEXT_UNKNOWN: { status: 400, title: { en: 'The credential uses a JSON-LD context that is not known here', ko: '알 수 없는 JSON-LD 컨텍스트를 사용한 증명서입니다' } },
  VC_PROOF_INVALID: { status: 422, title: { en: 'The credential\'s proof does not verify (forged or changed)', ko: '증명서의 전자서명이 맞지 않습니다(위조 또는 변조)' } },
  VC_EXPIRED: { status: 422, title: { en: 'The credential has expired', ko: '유효기간이 지난 증명서입니다' } },
  VC_NOT_YET_VALID: { status: 422, title: { en: 'The credential is not valid yet', ko: '아직 유효기간이 시작되지 않은 증명서입니다' } },
  VC_REVOKED: { status: 422, title: { en: 'The issuer has revoked the credential', ko: '발급기관이 폐기한 증명서입니다' } },
  SERVICE_UNAVAILABLE: { status: 503, title: { en: 'The service is not ready', ko: '서비스가 준비되지 않았습니다' } },
  INTERNAL_ERROR: { status: 500, title: { en: 'Something went wrong on our side', ko: '시스템 내부 오류가 발생했습니다' } },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface FieldProblem {
  /** JSON Pointer into the request part, e.g. "/body/email" or "/params/residentId". */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? ERROR_CATALOGUE[code].title.en);
    this.name = 'AppError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
}

export function problemTypeUri(code: ErrorCode): string {
  return `/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

export function codeFromProblemSlug(slug: string): ErrorCode | undefined {
  const code = slug.toUpperCase().replaceAll('-', '_');
  return code in ERROR_CATALOGUE ? (code as ErrorCode) : undefined;
}

export function toProblem(error: AppError, locale: Locale, instance: string, requestId: string): Problem {
  const problem: Problem = {
    type: problemTypeUri(error.code),
    title: ERROR_CATALOGUE[error.code].title[locale],
    status: error.status,
    code: error.code,
    instance,
    requestId,
  };
  if (error.detail) problem.detail = error.detail;
  if (error.errors?.length) problem.errors = error.errors;
  return problem;
}

/** The problem+json schema every route lists for its error responses (OpenAPI). */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details with a stable error code',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', enum: Object.keys(ERROR_CATALOGUE) },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;
