import type { FileKind } from '@protocol/files-constants.js';
import type { IconName } from '../../ui/Icon.vue';

export const KIND_ICON: Record<FileKind, IconName> = {
  image: 'image',
  video: 'video',
  audio: 'music',
  pdf: 'file-text',
  text: 'file-text',
  archive: 'archive',
  other: 'file',
};

export const KIND_LABEL: Record<FileKind, string> = {
  image: 'Image',
  video: 'Video',
  audio: 'Audio',
  pdf: 'PDF',
  text: 'Text',
  archive: 'Archive',
  other: 'File',
};
