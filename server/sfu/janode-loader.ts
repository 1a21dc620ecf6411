/**
 * janode and its two plugins, loaded the first time Janus is used (the supervisor connecting), not
 * at start-up: a server without Janus never needs them (docs/decisions/0034-cold-start.md).
 */
import type JanodeDefault from 'janode';
import type StreamingPluginDefault from 'janode/plugins/streaming';
import type VideoRoomPluginDefault from 'janode/plugins/videoroom';

export interface JanodeModules {
  Janode: typeof JanodeDefault;
  plugins: { videoroom: typeof VideoRoomPluginDefault; streaming: typeof StreamingPluginDefault };
}

let loading: Promise<JanodeModules> | null = null;

export function loadJanode(): Promise<JanodeModules> {
  loading ??= Promise.all([import('janode'), import('janode/plugins/videoroom'), import('janode/plugins/streaming')]).then(([j, videoroom, streaming]) => {
    j.default.Logger.setLevel('none');
    return { Janode: j.default, plugins: { videoroom: videoroom.default, streaming: streaming.default } };
  });
  return loading;
}
