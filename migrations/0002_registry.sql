-- Base registries (owned by src/modules/registry). Synthetic data only: see src/modules/registry/population.
CREATE SCHEMA IF NOT EXISTS registry;

CREATE TABLE registry.households (
  id            bigint PRIMARY KEY,
  region_code   char(2) NOT NULL,          -- province (시·도) code, e.g. 11 = Seoul
  district_code char(5) NOT NULL,          -- district (시·군·구) code, e.g. 11680 = Gangnam-gu
  address_ko    text    NOT NULL,
  address_en    text    NOT NULL,
  postal_code   char(5) NOT NULL
);

CREATE TABLE registry.residents (
  id             bigint  PRIMARY KEY,
  rrn            char(13) NOT NULL UNIQUE, -- synthetic: real format, deliberately wrong check digit
  name_ko        text    NOT NULL,
  name_romanized text    NOT NULL,
  birth_date     date    NOT NULL,
  sex            char(1) NOT NULL CHECK (sex IN ('M', 'F')),
  household_id   bigint  NOT NULL REFERENCES registry.households (id),
  household_role text    NOT NULL CHECK (household_role IN ('head', 'spouse', 'child', 'parent', 'other')),
  registered_on  date    NOT NULL,
  deceased_on    date
);
CREATE INDEX residents_household_idx ON registry.residents (household_id);

CREATE TABLE registry.family_relations (
  resident_id bigint NOT NULL REFERENCES registry.residents (id),
  relative_id bigint NOT NULL REFERENCES registry.residents (id),
  relation    text   NOT NULL CHECK (relation IN ('spouse', 'parent', 'child')),
  PRIMARY KEY (resident_id, relative_id)
);

CREATE TABLE registry.incomes (
  resident_id         bigint   NOT NULL REFERENCES registry.residents (id),
  tax_year            smallint NOT NULL,
  earned_income_krw   bigint   NOT NULL CHECK (earned_income_krw >= 0),
  business_income_krw bigint   NOT NULL DEFAULT 0 CHECK (business_income_krw >= 0),
  PRIMARY KEY (resident_id, tax_year)
);

CREATE TABLE registry.disabilities (
  resident_id   bigint PRIMARY KEY REFERENCES registry.residents (id),
  category      text   NOT NULL,           -- one of the 15 legal categories, e.g. 'physical', 'visual'
  severity      text   NOT NULL CHECK (severity IN ('severe', 'mild')),
  registered_on date   NOT NULL
);

CREATE TABLE registry.businesses (
  id                bigint  PRIMARY KEY,
  brn               char(10) NOT NULL UNIQUE, -- business registration number, synthetic
  name_ko           text    NOT NULL,
  name_en           text    NOT NULL,
  owner_resident_id bigint  NOT NULL REFERENCES registry.residents (id),
  industry_code     text    NOT NULL,         -- KSIC section letter, e.g. 'G' = wholesale and retail
  region_code       char(2) NOT NULL,
  district_code     char(5) NOT NULL,
  opened_on         date    NOT NULL,
  closed_on         date
);
CREATE INDEX businesses_owner_idx ON registry.businesses (owner_resident_id);
