/**
 * Room files (SPEC F1-F4): HTTP payloads and DTOs. Uploads use the tus protocol (TUS_PATH);
 * everything else is plain JSON routes under /api/rooms/:id/files.
 */
import { z } from 'zod';
import { FILE_JOB_STATES, FILE_KINDS, FILE_NAME_MAX, FILE_PRESETS, FILE_SORTS, THUMB_STATES, UPLOAD_ROLES } from './files-constants.js';

export const fileIdSchema = z.coerce.number().int().positive();
export const folderIdSchema = z.coerce.number().int().positive();

/** A user-given name: trimmed; the server sanitises it further (see server/files/names.ts). */
export const fileNameSchema = z.string().trim().min(1).max(FILE_NAME_MAX);

export const fileSchemaOut = z.object({
  id: z.number(),
  roomId: z.number(),
  folderId: z.number().nullable(),
  name: z.string(),
  size: z.number(),
  /** Detected from the bytes. */
  mime: z.string(),
  kind: z.enum(FILE_KINDS),
  sha256: z.string(),
  uploader: z.object({ id: z.number(), username: z.string() }),
  createdAt: z.number(),
  /** In the trash since (ms), or null. */
  deletedAt: z.number().nullable(),
  thumb: z.enum(THUMB_STATES),
});
export type FileDto = z.infer<typeof fileSchemaOut>;

export const folderSchemaOut = z.object({
  id: z.number(),
  roomId: z.number(),
  parentId: z.number().nullable(),
  name: z.string(),
  readOnly: z.boolean(),
  createdBy: z.number(),
  createdAt: z.number(),
  deletedAt: z.number().nullable(),
});
export type FolderDto = z.infer<typeof folderSchemaOut>;

export const filesSettingsSchemaOut = z.object({
  uploadRole: z.enum(UPLOAD_ROLES),
  quotaBytes: z.number(),
  usedBytes: z.number(),
  maxFileBytes: z.number(),
});
export type FilesSettings = z.infer<typeof filesSettingsSchemaOut>;

export const filesSettingsPatchSchema = z.object({ uploadRole: z.enum(UPLOAD_ROLES) }).strict();

/** One folder's view: its sub-folders, files, the path from the root, and what I may do here. */
export const folderListingSchemaOut = z.object({
  folder: folderSchemaOut.nullable(),
  path: z.array(z.object({ id: z.number(), name: z.string() })),
  folders: z.array(folderSchemaOut),
  files: z.array(fileSchemaOut),
  settings: filesSettingsSchemaOut,
  can: z.object({ upload: z.boolean(), manage: z.boolean() }),
});
export type FolderListing = z.infer<typeof folderListingSchemaOut>;

export const listQuerySchema = z
  .object({
    folderId: folderIdSchema.optional(),
    sort: z.enum(FILE_SORTS).default('name'),
    dir: z.enum(['asc', 'desc']).default('asc'),
  })
  .strict();

export const searchQuerySchema = z
  .object({
    q: z.string().trim().max(100).default(''),
    kind: z.enum(FILE_KINDS).optional(),
    uploaderId: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

export const createFolderSchema = z.object({ name: fileNameSchema, parentId: z.number().int().positive().nullable().default(null) }).strict();
export const patchFolderSchema = z
  .object({ name: fileNameSchema, parentId: z.number().int().positive().nullable(), readOnly: z.boolean() })
  .partial()
  .strict();
export const patchFileSchema = z.object({ name: fileNameSchema, folderId: z.number().int().positive().nullable() }).partial().strict();

/** Bulk actions on a multi-selection. */
export const bulkSchema = z
  .object({
    fileIds: z.array(z.number().int().positive()).max(500).default([]),
    folderIds: z.array(z.number().int().positive()).max(500).default([]),
  })
  .strict();
export const bulkMoveSchema = bulkSchema.extend({ toFolderId: z.number().int().positive().nullable() }).strict();

export const trashSchemaOut = z.object({ files: z.array(fileSchemaOut), folders: z.array(folderSchemaOut) });

export const fileJobIdSchema = z.coerce.number().int().positive();
export const createJobSchema = z.object({ preset: z.enum(FILE_PRESETS) }).strict();

/** A media tool job: FFmpeg progress 0..1; the result is a new file in the source's folder. */
export const fileJobSchemaOut = z.object({
  id: z.number(),
  roomId: z.number(),
  fileId: z.number(),
  fileName: z.string(),
  userId: z.number(),
  preset: z.enum(FILE_PRESETS),
  status: z.enum(FILE_JOB_STATES),
  progress: z.number(),
  error: z.string().nullable(),
  resultFileId: z.number().nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type FileJobDto = z.infer<typeof fileJobSchemaOut>;

/** `GET /api/rooms/:id/files/zip?files=1,2&folders=3`: a selection as one streamed ZIP. */
const idList = z
  .string()
  .max(6000)
  .regex(/^\d{1,12}(,\d{1,12}){0,499}$/, 'a comma-separated list of ids')
  .transform((s) => s.split(',').map(Number))
  .refine((ids) => ids.every((n) => Number.isSafeInteger(n) && n > 0), 'ids are positive numbers');
export const zipQuerySchema = z
  .object({ files: idList.optional(), folders: idList.optional() })
  .strict()
  .refine((q) => (q.files?.length ?? 0) + (q.folders?.length ?? 0) > 0, 'nothing selected');
