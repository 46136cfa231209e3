-- The vehicle register (owned by src/modules/registry; synthetic data only) and the X-Road-style
-- directory of the once-only exchange (owned by src/modules/directory): which organisations take
-- part (members) and which of their information systems (subsystems) provide or consume data.
-- The directory is reference data, not personal data, so it is seeded here rather than by the
-- population generator.

CREATE TABLE registry.vehicles (
  id                  bigint  PRIMARY KEY,
  -- synthetic, in the national format: 2 digits (3 since September 2019), a Hangul syllable, 4 digits
  plate_number        text    NOT NULL UNIQUE CHECK (plate_number ~ '^[0-9]{2,3}[가-힣][0-9]{4}$'),
  owner_resident_id   bigint  NOT NULL REFERENCES registry.residents (id),
  model               text    NOT NULL,
  fuel                text    NOT NULL CHECK (fuel IN ('gasoline', 'diesel', 'lpg', 'hybrid', 'electric', 'hydrogen')),
  first_registered_on date    NOT NULL,
  region_code         char(2) NOT NULL      -- province (시·도) where the vehicle is registered
);
CREATE INDEX vehicles_owner_idx ON registry.vehicles (owner_resident_id);

CREATE SCHEMA IF NOT EXISTS directory;

-- X-Road identifiers: INSTANCE/CLASS/MEMBER/SUBSYSTEM, each part [A-Za-z0-9._-]{1,64}.
CREATE TABLE directory.member_classes (
  code    text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9._-]{1,64}$'),
  name_ko text NOT NULL,
  name_en text NOT NULL
);

CREATE TABLE directory.members (
  instance     text NOT NULL CHECK (instance ~ '^[A-Za-z0-9._-]{1,64}$'),
  member_class text NOT NULL REFERENCES directory.member_classes (code),
  member_code  text NOT NULL CHECK (member_code ~ '^[A-Za-z0-9._-]{1,64}$'),
  name_ko      text NOT NULL,
  name_en      text NOT NULL,
  PRIMARY KEY (instance, member_class, member_code)
);

CREATE TABLE directory.subsystems (
  -- 'INSTANCE/CLASS/MEMBER/SUBSYSTEM', e.g. 'KR/GOV/MOIS/resident-register': what the X-Road-Client
  -- header carries and what other modules (agreements, exchange) reference.
  id             text PRIMARY KEY,
  instance       text NOT NULL,
  member_class   text NOT NULL,
  member_code    text NOT NULL,
  subsystem_code text NOT NULL CHECK (subsystem_code ~ '^[A-Za-z0-9._-]{1,64}$'),
  name_ko        text NOT NULL,
  name_en        text NOT NULL,
  role           text NOT NULL CHECK (role IN ('provider', 'consumer', 'both')),
  FOREIGN KEY (instance, member_class, member_code) REFERENCES directory.members (instance, member_class, member_code),
  UNIQUE (instance, member_class, member_code, subsystem_code),
  CHECK (id = instance || '/' || member_class || '/' || member_code || '/' || subsystem_code)
);

INSERT INTO directory.member_classes (code, name_ko, name_en) VALUES
  ('GOV', '정부기관', 'Government'),
  ('COM', '민간기업', 'Company');

INSERT INTO directory.members (instance, member_class, member_code, name_ko, name_en) VALUES
  ('KR', 'GOV', 'MOIS', '행정안전부', 'Ministry of the Interior and Safety'),
  ('KR', 'GOV', 'SCOURT', '법원행정처', 'National Court Administration'),
  ('KR', 'GOV', 'NTS', '국세청', 'National Tax Service'),
  ('KR', 'GOV', 'MOHW', '보건복지부', 'Ministry of Health and Welfare'),
  ('KR', 'GOV', 'MOLIT', '국토교통부', 'Ministry of Land, Infrastructure and Transport'),
  ('KR', 'GOV', 'MOEL', '고용노동부', 'Ministry of Employment and Labor'),
  ('KR', 'COM', 'DEMOBANK', '데모은행(가상)', 'Demo Bank (fictitious)');

INSERT INTO directory.subsystems (id, instance, member_class, member_code, subsystem_code, name_ko, name_en, role) VALUES
  ('KR/GOV/MOIS/resident-register', 'KR', 'GOV', 'MOIS', 'resident-register', '주민등록 시스템', 'Resident registration system', 'provider'),
  ('KR/GOV/SCOURT/family-relations', 'KR', 'GOV', 'SCOURT', 'family-relations', '가족관계등록 시스템', 'Family relations registration system', 'provider'),
  ('KR/GOV/NTS/hometax', 'KR', 'GOV', 'NTS', 'hometax', '홈택스', 'Hometax', 'provider'),
  ('KR/GOV/MOHW/disability-register', 'KR', 'GOV', 'MOHW', 'disability-register', '장애인 등록 시스템', 'Disability registration system', 'provider'),
  ('KR/GOV/MOLIT/vehicle-register', 'KR', 'GOV', 'MOLIT', 'vehicle-register', '자동차관리정보시스템', 'Vehicle management information system', 'provider'),
  ('KR/GOV/MOHW/welfare-benefits', 'KR', 'GOV', 'MOHW', 'welfare-benefits', '복지급여 시스템', 'Welfare benefits system', 'consumer'),
  ('KR/GOV/MOEL/employment-insurance', 'KR', 'GOV', 'MOEL', 'employment-insurance', '고용보험 시스템', 'Employment insurance system', 'consumer'),
  ('KR/COM/DEMOBANK/loans', 'KR', 'COM', 'DEMOBANK', 'loans', '대출 심사 시스템', 'Loan screening system', 'consumer');
