export type TensorFlow = typeof import('@tensorflow/tfjs-core');

let ready: Promise<TensorFlow> | undefined;

/**
 * TensorFlow.js on the wasm backend, loaded and initialised once, on first use: a process that
 * only validates schemas or combines statistics (the hub) never pays for loading it. One thread:
 * in Node the wasm backend has no thread pool anyway, and one thread keeps results reproducible.
 */
export function tensorflow(): Promise<TensorFlow> {
  ready ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    // tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers all of them in
    // the shared global registry (the ESM-only 'register_all_gradients' file cannot be imported).
    await import('@tensorflow/tfjs-layers');
    // Importing the package registers the 'wasm' backend with tfjs-core.
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);
    if (!(await tf.setBackend('wasm'))) {
      throw new Error('TensorFlow.js: the wasm backend failed to initialise');
    }
    await tf.ready();
    return tf;
  })();
  return ready;
}
