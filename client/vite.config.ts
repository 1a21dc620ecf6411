import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** Where `npm run dev:client` sends API and socket traffic (the Fastify server). */
const target = process.env.API_TARGET ?? 'http://localhost:3000';

// The server refuses writes and sockets from foreign Origins, so the dev proxy presents the
// target's own origin.
const sameOrigin = { target, changeOrigin: true, headers: { origin: target } };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue()],
  resolve: {
    alias: { '@protocol': fileURLToPath(new URL('../protocol', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': sameOrigin,
      '/docs': sameOrigin,
      '/socket.io': { ...sameOrigin, ws: true },
      '/peerjs': { ...sameOrigin, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
    rollupOptions: {
      output: {
        // One named, long-cached chunk for the framework and socket client.
        manualChunks: (id: string) => (/node_modules\/(@vue|vue|vue-router|pinia|socket\.io-client|engine\.io-client|socket\.io-parser|engine\.io-parser|@socket\.io)\//.test(id) ? 'vendor' : undefined),
      },
    },
  },
});
