// STAND-IN (the MNIST helper's real loader replaces this file at merge): fetches the packed
// digits (format in demo/plugins/mnist-pack.ts) and splits them, every fifth digit to test.
export async function loadMnist(url: string): Promise<{ xTrain: Float32Array; yTrain: Int32Array; xTest: Float32Array; yTest: Int32Array; features: 784; classes: 10 }> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load the MNIST digits: HTTP ${res.status} for ${url}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const count = new DataView(bytes.buffer).getUint32(4, true);
  const pixelsAt = 16 + count;
  const testCount = Math.floor(count / 5);
  const xTrain = new Float32Array((count - testCount) * 784), yTrain = new Int32Array(count - testCount);
  const xTest = new Float32Array(testCount * 784), yTest = new Int32Array(testCount);
  let tr = 0, te = 0;
  for (let i = 0; i < count; i++) {
    const toTest = i % 5 === 4 && te < testCount;
    const row = toTest ? te++ : tr++;
    const x = toTest ? xTest : xTrain;
    (toTest ? yTest : yTrain)[row] = bytes[16 + i];
    for (let p = 0; p < 784; p++) x[row * 784 + p] = bytes[pixelsAt + i * 784 + p] / 255;
  }
  return { xTrain, yTrain, xTest, yTest, features: 784, classes: 10 };
}
