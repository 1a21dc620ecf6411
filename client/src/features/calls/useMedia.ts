/**
 * The local camera and microphone: permission, device lists and choice, preview, camera off
 * (the camera light goes off), screen capture. When a device is missing or refused, a placeholder
 * (black video, silent audio) keeps the outgoing stream's shape so peers never need renegotiation.
 */
import { ref, shallowRef } from 'vue';

export type MediaProblem = 'denied' | 'no-camera' | 'no-microphone' | 'no-devices' | 'in-use' | null;

function blackVideoTrack(): MediaStreamTrack {
  const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 180 });
  const ctx = canvas.getContext('2d')!;
  const paint = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  paint();
  const track = canvas.captureStream(2).getVideoTracks()[0]!;
  // A canvas track only yields frames when painted.
  const timer = setInterval(paint, 500);
  track.addEventListener('ended', () => clearInterval(timer));
  const stop = track.stop.bind(track);
  track.stop = () => {
    clearInterval(timer);
    stop();
  };
  return track;
}

let silenceCtx: AudioContext | null = null;
function silentAudioTrack(): MediaStreamTrack {
  silenceCtx ??= new AudioContext();
  const dest = silenceCtx.createMediaStreamDestination();
  return dest.stream.getAudioTracks()[0]!;
}

function problemOf(err: unknown): MediaProblem {
  const name = (err as DOMException)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotReadableError' || name === 'AbortError') return 'in-use';
  return null;
}

export function useMedia() {
  const mics = ref<MediaDeviceInfo[]>([]);
  const cams = ref<MediaDeviceInfo[]>([]);
  const micId = ref<string>('');
  const camId = ref<string>('');
  /** Real device tracks (null when absent, refused or switched off). */
  const micTrack = shallowRef<MediaStreamTrack | null>(null);
  const camTrack = shallowRef<MediaStreamTrack | null>(null);
  const problem = ref<MediaProblem>(null);
  const starting = ref(false);

  async function refreshDevices(): Promise<void> {
    const all = await navigator.mediaDevices.enumerateDevices().catch(() => [] as MediaDeviceInfo[]);
    mics.value = all.filter((d) => d.kind === 'audioinput' && d.deviceId);
    cams.value = all.filter((d) => d.kind === 'videoinput' && d.deviceId);
  }

  const camConstraints = (): MediaTrackConstraints => ({
    ...(camId.value ? { deviceId: { exact: camId.value } } : {}),
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 30 },
  });
  const micConstraints = (): MediaTrackConstraints => ({
    ...(micId.value ? { deviceId: { exact: micId.value } } : {}),
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
  });

  /** Asks for both devices, then falls back to whichever exists. Never throws. */
  async function start(opts: { camera: boolean } = { camera: true }): Promise<void> {
    starting.value = true;
    problem.value = null;
    try {
      if (!navigator.mediaDevices?.getUserMedia) {
        problem.value = 'no-devices';
        return;
      }
      let stream: MediaStream | null = null;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: micConstraints(), video: opts.camera ? camConstraints() : false });
      } catch (err) {
        const p = problemOf(err);
        if (p === 'denied') {
          problem.value = 'denied';
          return;
        }
        // One of them is missing (NotFound / Overconstrained): try each alone.
        const audio = await navigator.mediaDevices.getUserMedia({ audio: micConstraints() }).catch(() => null);
        const video = opts.camera ? await navigator.mediaDevices.getUserMedia({ video: camConstraints() }).catch(() => null) : null;
        stream = new MediaStream([...(audio?.getTracks() ?? []), ...(video?.getTracks() ?? [])]);
        if (!audio && !video) problem.value = p === 'in-use' ? 'in-use' : 'no-devices';
        else if (!video && opts.camera) problem.value = 'no-camera';
        else if (!audio) problem.value = 'no-microphone';
      }
      micTrack.value?.stop();
      camTrack.value?.stop();
      micTrack.value = stream.getAudioTracks()[0] ?? null;
      camTrack.value = stream.getVideoTracks()[0] ?? null;
      micId.value = micTrack.value?.getSettings().deviceId ?? micId.value;
      if (camTrack.value) camId.value = camTrack.value.getSettings().deviceId ?? camId.value;
      await refreshDevices();
    } finally {
      starting.value = false;
    }
  }

  /** Turns the camera off (track stopped: the light goes off) or on again. Returns the new track. */
  async function setCamera(on: boolean): Promise<MediaStreamTrack | null> {
    if (!on) {
      camTrack.value?.stop();
      camTrack.value = null;
      return null;
    }
    if (camTrack.value) return camTrack.value;
    try {
      const s = await navigator.mediaDevices.getUserMedia({ video: camConstraints() });
      camTrack.value = s.getVideoTracks()[0] ?? null;
      if (problem.value === 'no-camera') problem.value = null;
    } catch (err) {
      problem.value = problemOf(err) ?? 'no-camera';
    }
    return camTrack.value;
  }

  /** Switches to another camera or microphone; the caller swaps it into the call (replaceTrack). */
  async function useDevice(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack | null> {
    if (kind === 'audio') {
      micId.value = deviceId;
      const s = await navigator.mediaDevices.getUserMedia({ audio: micConstraints() });
      const next = s.getAudioTracks()[0] ?? null;
      if (next && micTrack.value) next.enabled = micTrack.value.enabled;
      micTrack.value?.stop();
      micTrack.value = next;
      return next;
    }
    camId.value = deviceId;
    if (!camTrack.value) return null; // camera off: the choice applies when it comes back on
    const s = await navigator.mediaDevices.getUserMedia({ video: camConstraints() });
    camTrack.value.stop();
    camTrack.value = s.getVideoTracks()[0] ?? null;
    return camTrack.value;
  }

  async function screenTrack(): Promise<MediaStreamTrack | null> {
    const s = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    return s.getVideoTracks()[0] ?? null;
  }

  function stopAll(): void {
    micTrack.value?.stop();
    camTrack.value?.stop();
    micTrack.value = null;
    camTrack.value = null;
  }

  return { mics, cams, micId, camId, micTrack, camTrack, problem, starting, start, setCamera, useDevice, screenTrack, refreshDevices, stopAll, blackVideoTrack, silentAudioTrack };
}
