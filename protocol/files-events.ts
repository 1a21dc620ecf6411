/** Room files' part of the socket contract (merged into events.ts): sequenced room facts only. */
import type { FileDto, FileJobDto, FolderDto } from './files.js';

export interface FilesRoomFacts {
  /** A file was added (upload finished, job result), renamed, moved, trashed, restored or got its thumbnail. */
  'files:file': { file: FileDto };
  /** Files were removed for good (trash emptied). */
  'files:purged': { fileIds: number[]; folderIds: number[] };
  /** A folder was created, renamed, moved, trashed, restored or had its read-only flag changed. */
  'files:folder': { folder: FolderDto };
  /**
   * A file's preview extras were made: a video's seek thumbnails (`seek`) or an audio file's
   * waveform (`waveform`). An open preview loads them at once instead of polling. The thumbnail
   * and a video's poster arrive as `files:file` with `thumb` set to ready or failed.
   */
  'files:extras': { fileId: number; seek: boolean; waveform: boolean };
  /** A media job was queued, progressed (at most once a second), finished, failed or was cancelled. */
  'files:job': { job: FileJobDto };
}
