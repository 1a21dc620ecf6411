// hls.js's package `exports` give the light build (no subtitles, alternate audio or DRM, none of
// which our streams use) no types of its own: it has the same API as the full build.
declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export * from 'hls.js';
  export default Hls;
}
