// Korean personal names for the synthetic population: surnames weighted by how common they are,
// given-name syllables by sex and generation, and Revised Romanization of Hangul.
import { Random, WeightedTable } from './random';

/**
 * Surnames with their share of the population (percent, 2015 census, rounded) and the spelling
 * most bearers use in passports. Passport spellings are customary, not Revised Romanization:
 * 이 is "Lee", not "I".
 */
export const SURNAMES: ReadonlyArray<readonly [hangul: string, romanized: string, percent: number]> = [
  ['김', 'Kim', 21.5],
  ['이', 'Lee', 14.7],
  ['박', 'Park', 8.4],
  ['최', 'Choi', 4.7],
  ['정', 'Jung', 4.3],
  ['강', 'Kang', 2.4],
  ['조', 'Cho', 2.1],
  ['윤', 'Yoon', 2.1],
  ['장', 'Jang', 2.0],
  ['임', 'Lim', 1.7],
  ['한', 'Han', 1.5],
  ['오', 'Oh', 1.5],
  ['서', 'Seo', 1.5],
  ['신', 'Shin', 1.5],
  ['권', 'Kwon', 1.4],
  ['황', 'Hwang', 1.4],
  ['안', 'Ahn', 1.4],
  ['송', 'Song', 1.3],
  ['유', 'Yoo', 1.3],
  ['전', 'Jeon', 1.1],
  ['홍', 'Hong', 1.1],
  ['고', 'Ko', 0.9],
  ['문', 'Moon', 0.9],
  ['양', 'Yang', 0.9],
  ['손', 'Son', 0.9],
  ['배', 'Bae', 0.8],
  ['백', 'Baek', 0.7],
  ['허', 'Heo', 0.6],
  ['남', 'Nam', 0.6],
  ['심', 'Shim', 0.5],
  ['노', 'Noh', 0.5],
  ['하', 'Ha', 0.5],
  ['곽', 'Kwak', 0.4],
  ['성', 'Sung', 0.4],
  ['차', 'Cha', 0.4],
  ['주', 'Joo', 0.4],
  ['우', 'Woo', 0.4],
  ['구', 'Koo', 0.4],
  ['류', 'Ryu', 0.4],
  ['민', 'Min', 0.3],
  ['나', 'Na', 0.3],
  ['진', 'Jin', 0.3],
  ['지', 'Ji', 0.3],
  ['엄', 'Eom', 0.3],
  ['채', 'Chae', 0.3],
  ['원', 'Won', 0.3],
  ['천', 'Cheon', 0.2],
  ['방', 'Bang', 0.2],
  ['공', 'Kong', 0.2],
  ['현', 'Hyun', 0.2],
];

export interface Surname {
  hangul: string;
  romanized: string;
}

const surnameTable = new WeightedTable<Surname>(
  SURNAMES.map(([hangul, romanized, percent]) => [{ hangul, romanized }, percent] as const),
);

export function pickSurname(random: Random): Surname {
  return surnameTable.draw(random);
}

export type Sex = 'M' | 'F';

interface SyllableSet {
  male: readonly string[];
  female: readonly string[];
  /** Used for either sex; mixed in so that names like 지민, 수현, 윤서 occur for boys and girls. */
  neutral: readonly string[];
}

// Given-name fashions changed sharply across generations (영수·순자 → 성민·지영 → 민준·서연), so
// syllables are drawn from the set of the generation the person was born into.
const SYLLABLES: ReadonlyArray<{ bornBefore: number; first: SyllableSet; second: SyllableSet }> = [
  {
    bornBefore: 1960,
    first: {
      male: ['영', '정', '상', '병', '종', '만', '용', '재', '봉', '철', '기', '광', '동', '춘', '성', '태'],
      female: ['순', '영', '정', '옥', '말', '춘', '명', '금', '복', '점', '경', '분', '귀', '봉'],
      neutral: ['영', '정', '명', '춘'],
    },
    second: {
      male: ['수', '철', '호', '식', '석', '길', '남', '복', '일', '환', '근', '택', '섭', '구', '진', '태'],
      female: ['자', '희', '순', '숙', '옥', '녀', '례', '분', '남', '애', '임', '덕', '실', '화', '심'],
      neutral: ['순', '남', '희'],
    },
  },
  {
    bornBefore: 1990,
    first: {
      male: ['정', '성', '동', '상', '영', '준', '재', '승', '종', '태', '용', '석', '병', '광', '대', '창', '형'],
      female: ['미', '은', '혜', '선', '경', '보', '희', '소', '유', '주', '수', '연', '효', '나'],
      neutral: ['지', '민', '현', '진', '수', '윤', '은', '정'],
    },
    second: {
      male: ['호', '훈', '민', '석', '철', '우', '환', '규', '욱', '식', '원', '일', '기', '혁', '근', '준', '수'],
      female: ['영', '희', '정', '숙', '경', '선', '미', '연', '주', '아', '은', '혜', '란', '진'],
      neutral: ['현', '진', '민', '영', '수'],
    },
  },
  {
    bornBefore: 10000,
    first: {
      male: ['민', '도', '시', '주', '준', '건', '우', '선', '태', '승', '재', '한', '이', '유', '동', '성'],
      female: ['서', '하', '수', '예', '채', '다', '소', '나', '아', '가', '지', '리', '시', '유'],
      neutral: ['지', '서', '윤', '하', '은', '현', '연', '예', '민', '유'],
    },
    second: {
      male: ['준', '우', '호', '혁', '빈', '찬', '훈', '율', '겸', '후', '결', '규', '온', '원', '현', '진'],
      female: ['연', '윤', '은', '아', '원', '린', '유', '희', '빈', '율', '인', '경', '나', '주'],
      neutral: ['윤', '현', '민', '서', '우', '진', '율', '원'],
    },
  },
];

function syllablesFor(birthYear: number): (typeof SYLLABLES)[number] {
  return SYLLABLES.find((s) => birthYear < s.bornBefore) ?? (SYLLABLES[SYLLABLES.length - 1] as (typeof SYLLABLES)[number]);
}

function drawSyllable(random: Random, set: SyllableSet, sex: Sex): string {
  const own = sex === 'M' ? set.male : set.female;
  return random.chance(0.25) ? random.pick(set.neutral) : random.pick(own);
}

/** A given name of usually two syllables (a few percent have one), never the same syllable twice. */
export function pickGivenName(random: Random, sex: Sex, birthYear: number): string {
  const sets = syllablesFor(birthYear);
  const first = drawSyllable(random, sets.first, sex);
  if (random.chance(0.03)) return sex === 'M' ? random.pick(sets.second.male) : random.pick(sets.second.female);
  let second = drawSyllable(random, sets.second, sex);
  for (let i = 0; second === first && i < 5; i++) second = drawSyllable(random, sets.second, sex);
  if (second === first) second = sex === 'M' ? '준' : '연';
  return first + second;
}

// Revised Romanization of Korean (Ministry of Culture, 2000): letter tables indexed by the jamo
// positions in Unicode's precomposed syllable block (U+AC00 + (initial·21 + medial)·28 + final).
const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
const INITIALS = ['g', 'kk', 'n', 'd', 'tt', 'r', 'm', 'b', 'pp', 's', 'ss', '', 'j', 'jj', 'ch', 'k', 't', 'p', 'h'];
const MEDIALS = [
  'a', 'ae', 'ya', 'yae', 'eo', 'e', 'yeo', 'ye', 'o', 'wa', 'wae',
  'oe', 'yo', 'u', 'wo', 'we', 'wi', 'yu', 'eu', 'ui', 'i',
];
// Finals are romanized as pronounced at the end of a syllable (ㅅ, ㅈ, ㅊ, ㅌ, ㅎ → t; clusters by
// the consonant that is actually heard).
const FINALS = [
  '', 'k', 'k', 'k', 'n', 'n', 'n', 't', 'l', 'k', 'm', 'l', 'l', 'l',
  'p', 'l', 'm', 'p', 'p', 't', 't', 'ng', 't', 't', 'k', 't', 'p', 't',
];

export function decomposeHangul(syllable: string): { initial: number; medial: number; final: number } | null {
  const code = syllable.codePointAt(0);
  if (code === undefined || code < HANGUL_FIRST || code > HANGUL_LAST) return null;
  const offset = code - HANGUL_FIRST;
  return { initial: Math.floor(offset / 588), medial: Math.floor((offset % 588) / 28), final: offset % 28 };
}

/**
 * Romanizes syllable by syllable, which is the rule for personal names (no sound changes across
 * syllables: 복남 → "boknam", not "bongnam"). Characters that are not Hangul syllables pass through.
 */
export function romanizeHangul(text: string): string {
  let out = '';
  for (const ch of text) {
    const jamo = decomposeHangul(ch);
    if (!jamo) {
      out += ch;
      continue;
    }
    // An initial ㄹ is written "l" when it follows a final ㄹ (e.g. 별래 → byeollae).
    const initial = jamo.initial === 5 && out.endsWith('l') ? 'l' : (INITIALS[jamo.initial] as string);
    out += initial + (MEDIALS[jamo.medial] as string) + (FINALS[jamo.final] as string);
  }
  return out;
}

export function capitalize(word: string): string {
  return word.length === 0 ? word : (word[0] as string).toUpperCase() + word.slice(1);
}

/** "김민준" with surname "Kim" → "Kim Minjun": customary surname, given name as one word. */
export function romanizeName(surname: Surname, givenName: string): string {
  return `${surname.romanized} ${capitalize(romanizeHangul(givenName))}`;
}

/** For a full name written in Hangul, using the customary spelling when the surname is known. */
export function romanizeFullName(fullName: string): string {
  const first = fullName.slice(0, 1);
  const known = SURNAMES.find(([hangul]) => hangul === first);
  const surname = known ? known[1] : capitalize(romanizeHangul(first));
  return `${surname} ${capitalize(romanizeHangul(fullName.slice(1)))}`;
}
