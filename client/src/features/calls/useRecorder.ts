/**
 * Local recording to WebM with MediaRecorder. "Call" draws every participant's video into a canvas
 * grid and mixes everyone's audio; "screen" records a captured screen with one's own microphone.
 * Nothing is uploaded: the result is a download link.
 */
import { ref, shallowRef } from 'vue';
import { recordingFileName } from './mesh';

export interface RecordingSource {
  label: string;
  stream: MediaStream;
}

function pickMime(): string {
  for (const m of ['video/webm;codecs=vp9,opus', 'video/webm;codecs=vp8,opus', 'video/webm']) if (MediaRecorder.isTypeSupported(m)) return m;
  return '';
}

export function useRecorder() {
  const recording = ref<null | 'call' | 'screen'>(null);
  const startedAt = ref<number | null>(null);
  /** Bytes recorded so far (grows once a second while recording). */
  const bytes = ref(0);
  const result = shallowRef<{ url: string; name: string; size: number } | null>(null);
  const error = ref<string | null>(null);
  let recorder: MediaRecorder | null = null;
  let cleanup: (() => void)[] = [];

  /** `sources()` is read on every frame, so people joining and leaving appear in the recording. */
  function startCall(sources: () => RecordingSource[]): void {
    const canvas = Object.assign(document.createElement('canvas'), { width: 1280, height: 720 });
    const g = canvas.getContext('2d')!;
    const videos = new Map<MediaStream, HTMLVideoElement>();
    const audio = new AudioContext();
    const mix = audio.createMediaStreamDestination();
    const mixed = new Map<string, MediaStreamAudioSourceNode>();
    const draw = () => {
      const list = sources();
      const cols = list.length <= 1 ? 1 : list.length <= 4 ? 2 : 3;
      const rows = Math.max(1, Math.ceil(list.length / cols));
      const w = canvas.width / cols;
      const h = canvas.height / rows;
      g.fillStyle = '#111';
      g.fillRect(0, 0, canvas.width, canvas.height);
      list.forEach((src, i) => {
        let v = videos.get(src.stream);
        if (!v) {
          v = Object.assign(document.createElement('video'), { muted: true, playsInline: true, srcObject: src.stream });
          void v.play().catch(() => {});
          videos.set(src.stream, v);
        }
        const x = (i % cols) * w;
        const y = Math.floor(i / cols) * h;
        if (v.videoWidth) {
          const s = Math.min(w / v.videoWidth, h / v.videoHeight);
          const dw = v.videoWidth * s;
          const dh = v.videoHeight * s;
          g.drawImage(v, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh);
        }
        g.fillStyle = 'rgba(0,0,0,.55)';
        g.fillRect(x + 8, y + h - 30, Math.min(w - 16, 12 + src.label.length * 8), 22);
        g.fillStyle = '#fff';
        g.font = '14px system-ui, sans-serif';
        g.fillText(src.label, x + 14, y + h - 14);
        for (const t of src.stream.getAudioTracks()) {
          if (!mixed.has(t.id)) {
            const node = audio.createMediaStreamSource(new MediaStream([t]));
            node.connect(mix);
            mixed.set(t.id, node);
          }
        }
      });
    };
    draw();
    const frameTimer = setInterval(draw, 1000 / 24);
    const stream = new MediaStream([...canvas.captureStream(24).getVideoTracks(), ...mix.stream.getAudioTracks()]);
    cleanup = [
      () => clearInterval(frameTimer),
      () => stream.getTracks().forEach((t) => t.stop()),
      () => void audio.close().catch(() => {}),
      () => videos.forEach((v) => (v.srcObject = null)),
    ];
    begin(stream, 'call');
  }

  async function startScreen(mic: MediaStreamTrack | null): Promise<void> {
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
    const tracks = [...display.getVideoTracks(), ...(mic ? [mic.clone()] : []), ...display.getAudioTracks()];
    const stream = new MediaStream(tracks);
    // Stopping the share from the browser's own bar ends the recording.
    display.getVideoTracks()[0]?.addEventListener('ended', () => stop());
    cleanup = [() => tracks.forEach((t) => t.stop())];
    begin(stream, 'screen');
  }

  function begin(stream: MediaStream, kind: 'call' | 'screen'): void {
    error.value = null;
    if (result.value) URL.revokeObjectURL(result.value.url);
    result.value = null;
    const chunks: Blob[] = [];
    const mimeType = pickMime();
    recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const at = new Date();
    bytes.value = 0;
    recorder.ondataavailable = (e) => {
      if (!e.data.size) return;
      chunks.push(e.data);
      bytes.value += e.data.size;
    };
    recorder.onstop = () => {
      const blob = new Blob(chunks, { type: 'video/webm' });
      result.value = { url: URL.createObjectURL(blob), name: recordingFileName(kind, at), size: blob.size };
      for (const fn of cleanup) fn();
      cleanup = [];
      recording.value = null;
      startedAt.value = null;
    };
    recorder.onerror = () => {
      error.value = 'The recording stopped because of an error.';
    };
    recorder.start(1000);
    recording.value = kind;
    startedAt.value = Date.now();
  }

  function stop(): void {
    if (recorder && recorder.state !== 'inactive') recorder.stop();
    recorder = null;
  }

  function discard(): void {
    if (result.value) URL.revokeObjectURL(result.value.url);
    result.value = null;
  }

  return { recording, startedAt, bytes, result, error, startCall, startScreen, stop, discard };
}
