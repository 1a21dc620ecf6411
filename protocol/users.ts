import { z } from 'zod';
import { inviteCodeSchema } from './instance.js';
import { userText } from './text.js';

export const usernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(24)
  .regex(/^[a-zA-Z0-9_.-]+$/, 'letters, digits, _ . - only');

/** OWASP ASVS: at least 8 characters, allow long passphrases, cap to keep hashing bounded. */
export const passwordSchema = z.string().min(8).max(256);

export const avatarColorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/);

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'unknown time zone');

export const credentialsSchema = z.object({ username: usernameSchema, password: passwordSchema });

/** Sign-up: credentials, plus an admin-made invite code when registration is invite-only. */
export const registerSchema = credentialsSchema.extend({ inviteCode: inviteCodeSchema.optional() });

/** Change my password: the current one proves it is me; the new one follows the sign-up rules. */
export const passwordChangeSchema = z
  .object({ currentPassword: z.string().min(1).max(256), newPassword: passwordSchema })
  .strict()
  .refine((p) => p.newPassword !== p.currentPassword, { message: 'the new password must differ from the current one', path: ['newPassword'] });

export const profilePatchSchema = z
  .object({
    displayName: userText(40),
    avatarColor: avatarColorSchema,
    timeZone: timeZoneSchema,
    statusLine: userText(120, { required: false }),
  })
  .partial()
  .strict();

/** A user as others see them. */
export interface PublicUser {
  id: number;
  username: string;
  displayName: string;
  avatarColor: string;
  statusLine: string;
  /** Present (true) only for a room integration's bot user. */
  isBot?: boolean;
}

/** The signed-in user. */
export interface Me extends PublicUser {
  timeZone: string;
  isAdmin: boolean;
}

export const userSchemaOut = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  avatarColor: z.string(),
  statusLine: z.string(),
  /** Present (true) only for a room integration's bot user. */
  isBot: z.boolean().optional(),
});

export const meSchemaOut = userSchemaOut.extend({ timeZone: z.string(), isAdmin: z.boolean() });
