// Request and response schemas of the identity module's API.
import { Type } from '@sinclair/typebox';
import { Localised } from '../../core/schemas';

export const SessionSchema = Type.Object(
  {
    authenticated: Type.Boolean(),
    accountId: Type.Optional(Type.String()),
    role: Type.Optional(Type.Union([Type.Literal('resident'), Type.Literal('official'), Type.Literal('operator'), Type.Literal('auditor')])),
    residentId: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    agencyCode: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    displayName: Type.Optional(Localised('Display name in Korean and English')),
    csrfToken: Type.String({ description: 'Send as the x-csrf-token header on state-changing requests' }),
  },
  { $id: 'Session' },
);

export const ContactDetailsSchema = Type.Object(
  {
    email: Type.Union([Type.String(), Type.Null()]),
    phone: Type.Union([Type.String(), Type.Null()]),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'ContactDetails' },
);

export const Email = Type.String({ format: 'email', maxLength: 254, description: 'E-mail address' });
export const MobilePhone = Type.String({
  pattern: '^01[016789]-?[0-9]{3,4}-?[0-9]{4}$',
  description: 'Korean mobile number, e.g. 010-1234-5678',
});

export const ContactDetailsUpdate = Type.Object(
  {
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    phone: Type.Optional(Type.Union([MobilePhone, Type.Null()])),
  },
  { additionalProperties: false },
);
