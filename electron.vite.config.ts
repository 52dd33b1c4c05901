import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * Three bundles: the Node side (the Electron shell, the standalone daemon `rbees-orcd`, the worker
 * `rbees-workerd`, the pool agent `rbees-pool` and the operator CLI `rbees-ctl`, which share code
 * and run under Electron or plain Node), the sandboxed
 * preload (CommonJS: sandboxed preloads cannot be ES modules), and the React renderer.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          electron: resolve('src/main/electron/main.ts'),
          serve: resolve('src/main/daemon/serve.ts'),
          workerd: resolve('src/pool/workerd/main.ts'),
          'rbees-pool': resolve('src/pool/agent/main.ts'),
          'rbees-ctl': resolve('src/main/cli/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { preload: resolve('src/main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    // The e2e harness pages (fake hosts, synthetic logs) only in test builds (`npm test`).
    define: { __RBEES_HARNESS__: JSON.stringify(process.env.RBEES_HARNESS === '1') },
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: resolve('src/renderer/index.html') },
    },
  },
});
