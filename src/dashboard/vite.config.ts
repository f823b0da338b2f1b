import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built by `npm run build` into dist/dashboard, which the hub serves at "/". Paths are relative
// to the package root, where npm runs the build.
export default defineConfig({
  root: 'src/dashboard',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../../dist/dashboard',
    emptyOutDir: true,
    sourcemap: false,
    // One bundle is well under the budget; a warning above it keeps it that way.
    chunkSizeWarningLimit: 1500,
  },
  logLevel: 'warn',
});
