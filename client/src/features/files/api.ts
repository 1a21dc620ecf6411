/** HTTP calls of the Files tab (zod-free: types only). */
import type { FileSort } from '@protocol/files-constants.js';
import type { FileDto, FilesSettings, FolderDto, FolderListing } from '@protocol/files.js';
import { http } from '../../lib/http';

export interface Selection {
  fileIds: number[];
  folderIds: number[];
}

const base = (roomId: number) => `/api/rooms/${roomId}`;

export const filesApi = {
  list: (roomId: number, folderId: number | null, sort: FileSort, dir: 'asc' | 'desc', signal?: AbortSignal) =>
    http.get<FolderListing>(`${base(roomId)}/files?sort=${sort}&dir=${dir}${folderId ? `&folderId=${folderId}` : ''}`, signal),
  search: (roomId: number, q: string, kind: string, signal?: AbortSignal) =>
    http.get<{ files: FileDto[] }>(`${base(roomId)}/files/search?q=${encodeURIComponent(q)}${kind ? `&kind=${kind}` : ''}`, signal),
  createFolder: (roomId: number, name: string, parentId: number | null) => http.post<{ folder: FolderDto }>(`${base(roomId)}/folders`, { name, parentId }),
  patchFolder: (roomId: number, id: number, patch: { name?: string; parentId?: number | null; readOnly?: boolean }) => http.patch<{ folder: FolderDto }>(`${base(roomId)}/folders/${id}`, patch),
  patchFile: (roomId: number, id: number, patch: { name?: string; folderId?: number | null }) => http.patch<{ file: FileDto }>(`${base(roomId)}/files/${id}`, patch),
  move: (roomId: number, sel: Selection, toFolderId: number | null) => http.post<void>(`${base(roomId)}/files/move`, { ...sel, toFolderId }),
  trash: (roomId: number, sel: Selection) => http.post<void>(`${base(roomId)}/files/trash`, sel),
  trashList: (roomId: number) => http.get<{ files: FileDto[]; folders: FolderDto[] }>(`${base(roomId)}/files/trash`),
  restore: (roomId: number, sel: Selection) => http.post<void>(`${base(roomId)}/files/restore`, sel),
  emptyTrash: (roomId: number) => http.post<{ fileIds: number[]; folderIds: number[] }>(`${base(roomId)}/files/trash/empty`),
  settings: (roomId: number) => http.get<FilesSettings>(`${base(roomId)}/files/settings`),
  setUploadRole: (roomId: number, uploadRole: 'member' | 'moderator') => http.patch<FilesSettings>(`${base(roomId)}/files/settings`, { uploadRole }),
};

export const contentUrl = (f: Pick<FileDto, 'roomId' | 'id'>, download = false) => `${base(f.roomId)}/files/${f.id}/content${download ? '?download=1' : ''}`;
export const thumbUrl = (f: Pick<FileDto, 'roomId' | 'id'>) => `${base(f.roomId)}/files/${f.id}/thumb`;
export const zipUrl = (roomId: number, sel: Selection) =>
  `${base(roomId)}/files/zip?${[sel.fileIds.length ? `files=${sel.fileIds.join(',')}` : '', sel.folderIds.length ? `folders=${sel.folderIds.join(',')}` : ''].filter(Boolean).join('&')}`;
