// Which resident attributes each OpenID Connect scope releases, and how the consent screen names
// them. A relying party receives a claim only for a scope the resident granted it.
import type { Message } from '../../core/i18n';

export const SCOPES = ['openid', 'profile', 'birthdate', 'address', 'email', 'phone'] as const;
export type Scope = (typeof SCOPES)[number];

/** oidc-provider's `claims` option: scope → the claims it releases. */
export const CLAIMS_BY_SCOPE: Record<Scope, string[]> = {
  openid: ['sub'],
  profile: ['name', 'name_romanized', 'locale'],
  birthdate: ['birthdate'],
  address: ['address'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

export const SCOPE_LABELS: Record<Scope, { attribute: Message; detail: Message }> = {
  openid: {
    attribute: { ko: '이 서비스용 OnceGov 이용자 식별자', en: 'Your OnceGov user identifier for this service' },
    detail: { ko: '다시 로그인할 때 같은 사람임을 알아보는 데 쓰입니다.', en: 'Lets the service recognise you when you sign in again.' },
  },
  profile: {
    attribute: { ko: '이름(한글, 로마자)', en: 'Your name (Korean and romanised)' },
    detail: { ko: '주민등록표에 등록된 이름입니다.', en: 'As in the resident register.' },
  },
  birthdate: {
    attribute: { ko: '생년월일', en: 'Your date of birth' },
    detail: { ko: '주민등록표에 등록된 생년월일입니다.', en: 'As in the resident register.' },
  },
  address: {
    attribute: { ko: '주소', en: 'Your address' },
    detail: { ko: '주민등록표의 현재 주소와 우편번호입니다.', en: 'Your registered address and postal code.' },
  },
  email: {
    attribute: { ko: '이메일 주소', en: 'Your email address' },
    detail: { ko: '"나의 정보"에 등록한 이메일 주소입니다(등록하지 않았으면 제공되지 않습니다).', en: 'The one you registered on "My information" (none is sent if you have not).' },
  },
  phone: {
    attribute: { ko: '휴대전화 번호', en: 'Your mobile number' },
    detail: { ko: '"나의 정보"에 등록한 번호입니다(등록하지 않았으면 제공되지 않습니다).', en: 'The one you registered on "My information" (none is sent if you have not).' },
  },
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Scopes in a space-separated scope string that we know, in the catalogue's order. */
export function knownScopes(scope: string | undefined): Scope[] {
  const asked = new Set((scope ?? '').split(' ').filter(Boolean));
  return SCOPES.filter((s) => asked.has(s));
}
