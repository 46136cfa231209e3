// Request and response schemas of the registry module's API.
import { Type } from '@sinclair/typebox';
import { IsoDate } from '../../core/schemas';

const Sex = Type.Union([Type.Literal('M'), Type.Literal('F')]);

export const ResidentRecordSchema = Type.Object(
  {
    residentId: Type.Integer(),
    nameKo: Type.String({ description: 'Name in Hangul' }),
    nameRomanized: Type.String({ description: 'Name in the Revised Romanization of Korean' }),
    rrnMasked: Type.String({ description: 'Resident registration number with the last six digits masked' }),
    birthDate: IsoDate,
    sex: Sex,
    address: Type.Object({
      ko: Type.String(),
      en: Type.String(),
      postalCode: Type.String(),
      regionCode: Type.String({ description: 'Province (시·도) code' }),
      districtCode: Type.String({ description: 'District (시·군·구) code' }),
    }),
    householdRole: Type.String(),
    registeredOn: IsoDate,
    householdMembers: Type.Array(
      Type.Object({
        residentId: Type.Integer(),
        nameKo: Type.String(),
        nameRomanized: Type.String(),
        birthDate: IsoDate,
        sex: Sex,
        householdRole: Type.String(),
        relation: Type.Union([Type.String(), Type.Null()]),
      }),
    ),
  },
  { $id: 'ResidentRecord', description: 'A resident-register record (synthetic data)' },
);
