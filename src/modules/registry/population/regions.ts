// Korea's administrative geography for the synthetic population: the 17 provinces (시·도) and
// their districts (시·군·구) with the 2- and 5-digit codes used by the resident registry, as they
// stand in November 2026. Synthetic addresses are built on top of these; the codes themselves are
// real so that region-based features (local benefits, district offices) behave as they would.
//
// Districts are the lowest unit that appears in a road address: a city with non-autonomous
// districts (일반구, e.g. 성남시 분당구) is listed by its districts, not as the city itself.
// Changes since the older lists in many code bases: 강원 42→51 (2023), 전북 45→52 (2024), 군위군
// moved from 경북 (47720) to 대구 (27720) in 2023, 부천시 regained three districts (2024),
// 화성시 gained four districts (2026), and Incheon's 2026-07-01 reorganisation replaced 중구·동구·서구
// with 제물포구·영종구·서해구·검단구.

export type ProvinceCode =
  | '11' | '26' | '27' | '28' | '29' | '30' | '31' | '36' | '41'
  | '43' | '44' | '46' | '47' | '48' | '50' | '51' | '52';

export interface Province {
  code: ProvinceCode;
  /** Official name as written at the start of a Korean address, e.g. 서울특별시. */
  nameKo: string;
  /** Two-syllable short form used on signs and forms, e.g. 서울, 경기. */
  shortKo: string;
  /** Name as written at the end of an English address, e.g. Seoul, Gyeonggi-do, Gangwon State. */
  nameEn: string;
  /** Resident population in thousands (2024, rounded): used as the sampling weight. */
  weight: number;
  /** Range of the first two digits of the province's 5-digit postal codes (국가기초구역번호). */
  postalPrefix: readonly [number, number];
}

export interface District {
  code: string;
  provinceCode: ProvinceCode;
  /** As written in a Korean address after the province, e.g. 강남구 or 성남시 분당구. */
  nameKo: string;
  /** As written in an English address before the province, e.g. Gangnam-gu or Bundang-gu, Seongnam-si. */
  nameEn: string;
}

export const PROVINCES: readonly Province[] = [
  { code: '11', nameKo: '서울특별시', shortKo: '서울', nameEn: 'Seoul', weight: 9331, postalPrefix: [1, 8] },
  { code: '26', nameKo: '부산광역시', shortKo: '부산', nameEn: 'Busan', weight: 3266, postalPrefix: [46, 49] },
  { code: '27', nameKo: '대구광역시', shortKo: '대구', nameEn: 'Daegu', weight: 2363, postalPrefix: [41, 43] },
  { code: '28', nameKo: '인천광역시', shortKo: '인천', nameEn: 'Incheon', weight: 3021, postalPrefix: [21, 23] },
  { code: '29', nameKo: '광주광역시', shortKo: '광주', nameEn: 'Gwangju', weight: 1410, postalPrefix: [61, 62] },
  { code: '30', nameKo: '대전광역시', shortKo: '대전', nameEn: 'Daejeon', weight: 1440, postalPrefix: [34, 35] },
  { code: '31', nameKo: '울산광역시', shortKo: '울산', nameEn: 'Ulsan', weight: 1096, postalPrefix: [44, 45] },
  { code: '36', nameKo: '세종특별자치시', shortKo: '세종', nameEn: 'Sejong', weight: 390, postalPrefix: [30, 30] },
  { code: '41', nameKo: '경기도', shortKo: '경기', nameEn: 'Gyeonggi-do', weight: 13690, postalPrefix: [10, 18] },
  { code: '43', nameKo: '충청북도', shortKo: '충북', nameEn: 'Chungcheongbuk-do', weight: 1591, postalPrefix: [27, 29] },
  { code: '44', nameKo: '충청남도', shortKo: '충남', nameEn: 'Chungcheongnam-do', weight: 2136, postalPrefix: [31, 33] },
  { code: '46', nameKo: '전라남도', shortKo: '전남', nameEn: 'Jeollanam-do', weight: 1795, postalPrefix: [57, 59] },
  { code: '47', nameKo: '경상북도', shortKo: '경북', nameEn: 'Gyeongsangbuk-do', weight: 2540, postalPrefix: [36, 40] },
  { code: '48', nameKo: '경상남도', shortKo: '경남', nameEn: 'Gyeongsangnam-do', weight: 3234, postalPrefix: [50, 53] },
  { code: '50', nameKo: '제주특별자치도', shortKo: '제주', nameEn: 'Jeju-do', weight: 669, postalPrefix: [63, 63] },
  { code: '51', nameKo: '강원특별자치도', shortKo: '강원', nameEn: 'Gangwon State', weight: 1516, postalPrefix: [24, 26] },
  { code: '52', nameKo: '전북특별자치도', shortKo: '전북', nameEn: 'Jeonbuk State', weight: 1734, postalPrefix: [54, 56] },
];

type Row = readonly [code: string, nameKo: string, nameEn: string];

const DISTRICT_ROWS: Readonly<Record<ProvinceCode, readonly Row[]>> = {
  '11': [
    ['11110', '종로구', 'Jongno-gu'],
    ['11140', '중구', 'Jung-gu'],
    ['11170', '용산구', 'Yongsan-gu'],
    ['11200', '성동구', 'Seongdong-gu'],
    ['11215', '광진구', 'Gwangjin-gu'],
    ['11230', '동대문구', 'Dongdaemun-gu'],
    ['11260', '중랑구', 'Jungnang-gu'],
    ['11290', '성북구', 'Seongbuk-gu'],
    ['11305', '강북구', 'Gangbuk-gu'],
    ['11320', '도봉구', 'Dobong-gu'],
    ['11350', '노원구', 'Nowon-gu'],
    ['11380', '은평구', 'Eunpyeong-gu'],
    ['11410', '서대문구', 'Seodaemun-gu'],
    ['11440', '마포구', 'Mapo-gu'],
    ['11470', '양천구', 'Yangcheon-gu'],
    ['11500', '강서구', 'Gangseo-gu'],
    ['11530', '구로구', 'Guro-gu'],
    ['11545', '금천구', 'Geumcheon-gu'],
    ['11560', '영등포구', 'Yeongdeungpo-gu'],
    ['11590', '동작구', 'Dongjak-gu'],
    ['11620', '관악구', 'Gwanak-gu'],
    ['11650', '서초구', 'Seocho-gu'],
    ['11680', '강남구', 'Gangnam-gu'],
    ['11710', '송파구', 'Songpa-gu'],
    ['11740', '강동구', 'Gangdong-gu'],
  ],
  '26': [
    ['26110', '중구', 'Jung-gu'],
    ['26140', '서구', 'Seo-gu'],
    ['26170', '동구', 'Dong-gu'],
    ['26200', '영도구', 'Yeongdo-gu'],
    ['26230', '부산진구', 'Busanjin-gu'],
    ['26260', '동래구', 'Dongnae-gu'],
    ['26290', '남구', 'Nam-gu'],
    ['26320', '북구', 'Buk-gu'],
    ['26350', '해운대구', 'Haeundae-gu'],
    ['26380', '사하구', 'Saha-gu'],
    ['26410', '금정구', 'Geumjeong-gu'],
    ['26440', '강서구', 'Gangseo-gu'],
    ['26470', '연제구', 'Yeonje-gu'],
    ['26500', '수영구', 'Suyeong-gu'],
    ['26530', '사상구', 'Sasang-gu'],
    ['26710', '기장군', 'Gijang-gun'],
  ],
  '27': [
    ['27110', '중구', 'Jung-gu'],
    ['27140', '동구', 'Dong-gu'],
    ['27170', '서구', 'Seo-gu'],
    ['27200', '남구', 'Nam-gu'],
    ['27230', '북구', 'Buk-gu'],
    ['27260', '수성구', 'Suseong-gu'],
    ['27290', '달서구', 'Dalseo-gu'],
    ['27710', '달성군', 'Dalseong-gun'],
    ['27720', '군위군', 'Gunwi-gun'],
  ],
  '28': [
    ['28125', '제물포구', 'Jemulpo-gu'],
    ['28155', '영종구', 'Yeongjong-gu'],
    ['28177', '미추홀구', 'Michuhol-gu'],
    ['28185', '연수구', 'Yeonsu-gu'],
    ['28200', '남동구', 'Namdong-gu'],
    ['28237', '부평구', 'Bupyeong-gu'],
    ['28245', '계양구', 'Gyeyang-gu'],
    ['28275', '서해구', 'Seohae-gu'],
    ['28290', '검단구', 'Geomdan-gu'],
    ['28710', '강화군', 'Ganghwa-gun'],
    ['28720', '옹진군', 'Ongjin-gun'],
  ],
  '29': [
    ['29110', '동구', 'Dong-gu'],
    ['29140', '서구', 'Seo-gu'],
    ['29155', '남구', 'Nam-gu'],
    ['29170', '북구', 'Buk-gu'],
    ['29200', '광산구', 'Gwangsan-gu'],
  ],
  '30': [
    ['30110', '동구', 'Dong-gu'],
    ['30140', '중구', 'Jung-gu'],
    ['30170', '서구', 'Seo-gu'],
    ['30200', '유성구', 'Yuseong-gu'],
    ['30230', '대덕구', 'Daedeok-gu'],
  ],
  '31': [
    ['31110', '중구', 'Jung-gu'],
    ['31140', '남구', 'Nam-gu'],
    ['31170', '동구', 'Dong-gu'],
    ['31200', '북구', 'Buk-gu'],
    ['31710', '울주군', 'Ulju-gun'],
  ],
  // Sejong has no districts below it; its single code appears in the registry but not in addresses.
  '36': [['36110', '세종특별자치시', 'Sejong-si']],
  '41': [
    ['41111', '수원시 장안구', 'Jangan-gu, Suwon-si'],
    ['41113', '수원시 권선구', 'Gwonseon-gu, Suwon-si'],
    ['41115', '수원시 팔달구', 'Paldal-gu, Suwon-si'],
    ['41117', '수원시 영통구', 'Yeongtong-gu, Suwon-si'],
    ['41131', '성남시 수정구', 'Sujeong-gu, Seongnam-si'],
    ['41133', '성남시 중원구', 'Jungwon-gu, Seongnam-si'],
    ['41135', '성남시 분당구', 'Bundang-gu, Seongnam-si'],
    ['41150', '의정부시', 'Uijeongbu-si'],
    ['41171', '안양시 만안구', 'Manan-gu, Anyang-si'],
    ['41173', '안양시 동안구', 'Dongan-gu, Anyang-si'],
    ['41192', '부천시 원미구', 'Wonmi-gu, Bucheon-si'],
    ['41194', '부천시 소사구', 'Sosa-gu, Bucheon-si'],
    ['41196', '부천시 오정구', 'Ojeong-gu, Bucheon-si'],
    ['41210', '광명시', 'Gwangmyeong-si'],
    ['41220', '평택시', 'Pyeongtaek-si'],
    ['41250', '동두천시', 'Dongducheon-si'],
    ['41271', '안산시 상록구', 'Sangnok-gu, Ansan-si'],
    ['41273', '안산시 단원구', 'Danwon-gu, Ansan-si'],
    ['41281', '고양시 덕양구', 'Deogyang-gu, Goyang-si'],
    ['41285', '고양시 일산동구', 'Ilsandong-gu, Goyang-si'],
    ['41287', '고양시 일산서구', 'Ilsanseo-gu, Goyang-si'],
    ['41290', '과천시', 'Gwacheon-si'],
    ['41310', '구리시', 'Guri-si'],
    ['41360', '남양주시', 'Namyangju-si'],
    ['41370', '오산시', 'Osan-si'],
    ['41390', '시흥시', 'Siheung-si'],
    ['41410', '군포시', 'Gunpo-si'],
    ['41430', '의왕시', 'Uiwang-si'],
    ['41450', '하남시', 'Hanam-si'],
    ['41461', '용인시 처인구', 'Cheoin-gu, Yongin-si'],
    ['41463', '용인시 기흥구', 'Giheung-gu, Yongin-si'],
    ['41465', '용인시 수지구', 'Suji-gu, Yongin-si'],
    ['41480', '파주시', 'Paju-si'],
    ['41500', '이천시', 'Icheon-si'],
    ['41550', '안성시', 'Anseong-si'],
    ['41570', '김포시', 'Gimpo-si'],
    ['41591', '화성시 만세구', 'Manse-gu, Hwaseong-si'],
    ['41593', '화성시 효행구', 'Hyohaeng-gu, Hwaseong-si'],
    ['41595', '화성시 병점구', 'Byeongjeom-gu, Hwaseong-si'],
    ['41597', '화성시 동탄구', 'Dongtan-gu, Hwaseong-si'],
    ['41610', '광주시', 'Gwangju-si'],
    ['41630', '양주시', 'Yangju-si'],
    ['41650', '포천시', 'Pocheon-si'],
    ['41670', '여주시', 'Yeoju-si'],
    ['41800', '연천군', 'Yeoncheon-gun'],
    ['41820', '가평군', 'Gapyeong-gun'],
    ['41830', '양평군', 'Yangpyeong-gun'],
  ],
  '43': [
    ['43111', '청주시 상당구', 'Sangdang-gu, Cheongju-si'],
    ['43112', '청주시 서원구', 'Seowon-gu, Cheongju-si'],
    ['43113', '청주시 흥덕구', 'Heungdeok-gu, Cheongju-si'],
    ['43114', '청주시 청원구', 'Cheongwon-gu, Cheongju-si'],
    ['43130', '충주시', 'Chungju-si'],
    ['43150', '제천시', 'Jecheon-si'],
    ['43720', '보은군', 'Boeun-gun'],
    ['43730', '옥천군', 'Okcheon-gun'],
    ['43740', '영동군', 'Yeongdong-gun'],
    ['43745', '증평군', 'Jeungpyeong-gun'],
    ['43750', '진천군', 'Jincheon-gun'],
    ['43760', '괴산군', 'Goesan-gun'],
    ['43770', '음성군', 'Eumseong-gun'],
    ['43800', '단양군', 'Danyang-gun'],
  ],
  '44': [
    ['44131', '천안시 동남구', 'Dongnam-gu, Cheonan-si'],
    ['44133', '천안시 서북구', 'Seobuk-gu, Cheonan-si'],
    ['44150', '공주시', 'Gongju-si'],
    ['44180', '보령시', 'Boryeong-si'],
    ['44200', '아산시', 'Asan-si'],
    ['44210', '서산시', 'Seosan-si'],
    ['44230', '논산시', 'Nonsan-si'],
    ['44250', '계룡시', 'Gyeryong-si'],
    ['44270', '당진시', 'Dangjin-si'],
    ['44710', '금산군', 'Geumsan-gun'],
    ['44760', '부여군', 'Buyeo-gun'],
    ['44770', '서천군', 'Seocheon-gun'],
    ['44790', '청양군', 'Cheongyang-gun'],
    ['44800', '홍성군', 'Hongseong-gun'],
    ['44810', '예산군', 'Yesan-gun'],
    ['44825', '태안군', 'Taean-gun'],
  ],
  '46': [
    ['46110', '목포시', 'Mokpo-si'],
    ['46130', '여수시', 'Yeosu-si'],
    ['46150', '순천시', 'Suncheon-si'],
    ['46170', '나주시', 'Naju-si'],
    ['46230', '광양시', 'Gwangyang-si'],
    ['46710', '담양군', 'Damyang-gun'],
    ['46720', '곡성군', 'Gokseong-gun'],
    ['46730', '구례군', 'Gurye-gun'],
    ['46770', '고흥군', 'Goheung-gun'],
    ['46780', '보성군', 'Boseong-gun'],
    ['46790', '화순군', 'Hwasun-gun'],
    ['46800', '장흥군', 'Jangheung-gun'],
    ['46810', '강진군', 'Gangjin-gun'],
    ['46820', '해남군', 'Haenam-gun'],
    ['46830', '영암군', 'Yeongam-gun'],
    ['46840', '무안군', 'Muan-gun'],
    ['46860', '함평군', 'Hampyeong-gun'],
    ['46870', '영광군', 'Yeonggwang-gun'],
    ['46880', '장성군', 'Jangseong-gun'],
    ['46890', '완도군', 'Wando-gun'],
    ['46900', '진도군', 'Jindo-gun'],
    ['46910', '신안군', 'Sinan-gun'],
  ],
  '47': [
    ['47111', '포항시 남구', 'Nam-gu, Pohang-si'],
    ['47113', '포항시 북구', 'Buk-gu, Pohang-si'],
    ['47130', '경주시', 'Gyeongju-si'],
    ['47150', '김천시', 'Gimcheon-si'],
    ['47170', '안동시', 'Andong-si'],
    ['47190', '구미시', 'Gumi-si'],
    ['47210', '영주시', 'Yeongju-si'],
    ['47230', '영천시', 'Yeongcheon-si'],
    ['47250', '상주시', 'Sangju-si'],
    ['47280', '문경시', 'Mungyeong-si'],
    ['47290', '경산시', 'Gyeongsan-si'],
    ['47730', '의성군', 'Uiseong-gun'],
    ['47750', '청송군', 'Cheongsong-gun'],
    ['47760', '영양군', 'Yeongyang-gun'],
    ['47770', '영덕군', 'Yeongdeok-gun'],
    ['47820', '청도군', 'Cheongdo-gun'],
    ['47830', '고령군', 'Goryeong-gun'],
    ['47840', '성주군', 'Seongju-gun'],
    ['47850', '칠곡군', 'Chilgok-gun'],
    ['47900', '예천군', 'Yecheon-gun'],
    ['47920', '봉화군', 'Bonghwa-gun'],
    ['47930', '울진군', 'Uljin-gun'],
    ['47940', '울릉군', 'Ulleung-gun'],
  ],
  '48': [
    ['48121', '창원시 의창구', 'Uichang-gu, Changwon-si'],
    ['48123', '창원시 성산구', 'Seongsan-gu, Changwon-si'],
    ['48125', '창원시 마산합포구', 'Masanhappo-gu, Changwon-si'],
    ['48127', '창원시 마산회원구', 'Masanhoewon-gu, Changwon-si'],
    ['48129', '창원시 진해구', 'Jinhae-gu, Changwon-si'],
    ['48170', '진주시', 'Jinju-si'],
    ['48220', '통영시', 'Tongyeong-si'],
    ['48240', '사천시', 'Sacheon-si'],
    ['48250', '김해시', 'Gimhae-si'],
    ['48270', '밀양시', 'Miryang-si'],
    ['48310', '거제시', 'Geoje-si'],
    ['48330', '양산시', 'Yangsan-si'],
    ['48720', '의령군', 'Uiryeong-gun'],
    ['48730', '함안군', 'Haman-gun'],
    ['48740', '창녕군', 'Changnyeong-gun'],
    ['48820', '고성군', 'Goseong-gun'],
    ['48840', '남해군', 'Namhae-gun'],
    ['48850', '하동군', 'Hadong-gun'],
    ['48860', '산청군', 'Sancheong-gun'],
    ['48870', '함양군', 'Hamyang-gun'],
    ['48880', '거창군', 'Geochang-gun'],
    ['48890', '합천군', 'Hapcheon-gun'],
  ],
  '50': [
    ['50110', '제주시', 'Jeju-si'],
    ['50130', '서귀포시', 'Seogwipo-si'],
  ],
  '51': [
    ['51110', '춘천시', 'Chuncheon-si'],
    ['51130', '원주시', 'Wonju-si'],
    ['51150', '강릉시', 'Gangneung-si'],
    ['51170', '동해시', 'Donghae-si'],
    ['51190', '태백시', 'Taebaek-si'],
    ['51210', '속초시', 'Sokcho-si'],
    ['51230', '삼척시', 'Samcheok-si'],
    ['51720', '홍천군', 'Hongcheon-gun'],
    ['51730', '횡성군', 'Hoengseong-gun'],
    ['51750', '영월군', 'Yeongwol-gun'],
    ['51760', '평창군', 'Pyeongchang-gun'],
    ['51770', '정선군', 'Jeongseon-gun'],
    ['51780', '철원군', 'Cheorwon-gun'],
    ['51790', '화천군', 'Hwacheon-gun'],
    ['51800', '양구군', 'Yanggu-gun'],
    ['51810', '인제군', 'Inje-gun'],
    ['51820', '고성군', 'Goseong-gun'],
    ['51830', '양양군', 'Yangyang-gun'],
  ],
  '52': [
    ['52111', '전주시 완산구', 'Wansan-gu, Jeonju-si'],
    ['52113', '전주시 덕진구', 'Deokjin-gu, Jeonju-si'],
    ['52130', '군산시', 'Gunsan-si'],
    ['52140', '익산시', 'Iksan-si'],
    ['52180', '정읍시', 'Jeongeup-si'],
    ['52190', '남원시', 'Namwon-si'],
    ['52210', '김제시', 'Gimje-si'],
    ['52710', '완주군', 'Wanju-gun'],
    ['52720', '진안군', 'Jinan-gun'],
    ['52730', '무주군', 'Muju-gun'],
    ['52740', '장수군', 'Jangsu-gun'],
    ['52750', '임실군', 'Imsil-gun'],
    ['52770', '순창군', 'Sunchang-gun'],
    ['52790', '고창군', 'Gochang-gun'],
    ['52800', '부안군', 'Buan-gun'],
  ],
};

export const DISTRICTS: readonly District[] = PROVINCES.flatMap((province) =>
  DISTRICT_ROWS[province.code].map(([code, nameKo, nameEn]) => ({
    code,
    provinceCode: province.code,
    nameKo,
    nameEn,
  })),
);

const provinceIndex = new Map<string, Province>(PROVINCES.map((p) => [p.code, p]));
const districtIndex = new Map<string, District>(DISTRICTS.map((d) => [d.code, d]));
const districtsByProvince = new Map<string, readonly District[]>(
  PROVINCES.map((p) => [p.code, DISTRICTS.filter((d) => d.provinceCode === p.code)]),
);

export function provinceByCode(code: string): Province | undefined {
  return provinceIndex.get(code);
}

export function districtByCode(code: string): District | undefined {
  return districtIndex.get(code);
}

export function districtsOfProvince(code: string): readonly District[] {
  return districtsByProvince.get(code) ?? [];
}

/** Sejong is a single-tier city: its addresses go straight from the city to the road. */
export function districtAppearsInAddress(district: District): boolean {
  return district.provinceCode !== '36';
}

/**
 * The district's own name without its suffix, for road names such as 강남대로 (Gangnam-daero):
 * 성남시 분당구 → 분당 / Bundang. Null for one-syllable names (중구, 동구, …), which nobody
 * names a road after.
 */
export function districtStem(district: District): { ko: string; en: string } | null {
  const lastKo = district.nameKo.split(' ').pop() ?? '';
  const stemKo = lastKo.slice(0, -1);
  const stemEn = (district.nameEn.split(',')[0] ?? '').replace(/-(gu|si|gun)$/, '');
  if ([...stemKo].length < 2 || district.provinceCode === '36') return null;
  return { ko: stemKo, en: stemEn };
}

/**
 * Postal codes are synthetic but plausible: each province's real range of leading digits is cut
 * into equal consecutive blocks, one per district, in code order.
 */
export function postalRangeOf(district: District): readonly [number, number] {
  const province = provinceIndex.get(district.provinceCode);
  const siblings = districtsByProvince.get(district.provinceCode);
  if (!province || !siblings) throw new Error(`unknown district ${district.code}`);
  const start = province.postalPrefix[0] * 1000;
  const end = (province.postalPrefix[1] + 1) * 1000;
  const index = siblings.indexOf(district);
  const size = Math.floor((end - start) / siblings.length);
  return [start + index * size, start + (index + 1) * size - 1];
}
