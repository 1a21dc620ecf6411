import { z } from 'zod';
import { REGISTRATION_MODES, type RegistrationMode } from './admin-constants.js';
import { userText } from './text.js';

/** The announcement banner: shown to everyone between `startsAt` and `endsAt` (null: open-ended). */
export interface Announcement {
  text: string;
  startsAt: number | null;
  endsAt: number | null;
  /** Rises with every change: a browser remembers which version it dismissed. */
  version: number;
}

/** What anyone (signed in or not) may know about the instance: GET /api/instance. */
export interface InstanceInfo {
  registration: RegistrationMode;
  /** No account exists yet: the first registration is always allowed (it makes the admin). */
  firstUser: boolean;
  /** The announcement unless it is empty or already over. */
  announcement: Announcement | null;
}

export interface InstanceSettings {
  registration: RegistrationMode;
  announcement: Announcement;
  updatedAt: number;
}

const timeMs = z.number().int().min(0).max(8_640_000_000_000);

export const settingsPatchSchema = z
  .object({
    registration: z.enum(REGISTRATION_MODES),
    announcement: z
      .object({ text: userText(500, { required: false }), startsAt: timeMs.nullable(), endsAt: timeMs.nullable() })
      .strict()
      .refine((a) => a.startsAt === null || a.endsAt === null || a.endsAt > a.startsAt, { message: 'the end must be after the start', path: ['endsAt'] }),
  })
  .partial()
  .strict()
  .refine((p) => p.registration !== undefined || p.announcement !== undefined, { message: 'nothing to change' });

export const inviteCreateSchema = z
  .object({
    note: userText(100, { required: false }).default(''),
    /** Omitted: unlimited uses. */
    maxUses: z.number().int().min(1).max(10_000).optional(),
    /** Omitted: never expires. */
    expiresInHours: z.number().int().min(1).max(24 * 365).optional(),
  })
  .strict();

/** An invite code as typed: letters and digits, case-insensitive, dashes ignored. */
export const inviteCodeSchema = z
  .string()
  .trim()
  .max(64)
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase());

export interface InviteView {
  id: number;
  /** The first characters of the code (the full code is shown once, when made). */
  hint: string;
  note: string;
  maxUses: number | null;
  uses: number;
  expiresAt: number | null;
  revoked: boolean;
  createdAt: number;
  createdBy: string | null;
}

const announcementOut = z.object({ text: z.string(), startsAt: z.number().nullable(), endsAt: z.number().nullable(), version: z.number() });
export const instanceInfoReply = z.object({ registration: z.enum(REGISTRATION_MODES), firstUser: z.boolean(), announcement: announcementOut.nullable() });
export const settingsReply = z.object({ settings: z.object({ registration: z.enum(REGISTRATION_MODES), announcement: announcementOut, updatedAt: z.number() }) });
const inviteOut = z.object({
  id: z.number(),
  hint: z.string(),
  note: z.string(),
  maxUses: z.number().nullable(),
  uses: z.number(),
  expiresAt: z.number().nullable(),
  revoked: z.boolean(),
  createdAt: z.number(),
  createdBy: z.string().nullable(),
});
export const invitesReply = z.object({ invites: z.array(inviteOut) });
export const inviteCreatedReply = z.object({ invite: inviteOut, code: z.string() });
export const inviteParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31) }).strict();

export type InstancePersonalEvents = {
  /** Sent to every connected socket when an admin changes the announcement (null: none). */
  'instance:announcement': (fact: { announcement: Announcement | null }) => void;
};
