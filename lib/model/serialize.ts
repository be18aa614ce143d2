import * as tf from '@tensorflow/tfjs';

/** A model as bytes: TF.js's model.json (topology + weight manifest) and one weights file. */
export interface ModelArtifacts {
  readonly modelJson: string;
  readonly weights: Uint8Array;
}

/** The weights file model.json names, as TF.js's own file and http handlers write it. */
export const WEIGHTS_FILE = 'weights.bin';

/** The model as model.json + weights.bin bytes, readable by tf.loadLayersModel from files too. */
export async function saveModelArtifacts(model: tf.LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const weightData =
        a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: a.weightSpecs ?? [] }],
      };
      saved = { modelJson: JSON.stringify(modelJson), weights: new Uint8Array(weightData) };
      // A fixed date: the same model gives the same bytes.
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('model: TF.js saved nothing');
  return saved;
}

/** saveModelArtifacts, its earlier name. */
export const saveModel = saveModelArtifacts;

/** The inverse of saveModelArtifacts: model.json's text and the weights file's bytes. */
export async function loadModel(artifacts: ModelArtifacts): Promise<tf.LayersModel>;
export async function loadModel(modelJson: string, weights: Uint8Array): Promise<tf.LayersModel>;
export async function loadModel(
  first: ModelArtifacts | string,
  second?: Uint8Array,
): Promise<tf.LayersModel> {
  const { modelJson, weights } = typeof first === 'string' ? { modelJson: first, weights: second } : first;
  if (!weights) throw new Error('model: loadModel needs the weights bytes');
  let json: { modelTopology?: object; weightsManifest?: { weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(modelJson) as typeof json;
  } catch (error) {
    throw new Error(`model: model.json is not JSON: ${(error as Error).message}`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest))
    throw new Error('model: model.json has no modelTopology or weightsManifest');
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const expected = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, d) => a * d, 1), 0);
  if (weights.byteLength !== expected)
    throw new Error(
      `model: the weights file has ${weights.byteLength} bytes, model.json describes ${expected}`,
    );
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: copy(weights) }),
  );
}

/**
 * Optimizer state (momentum, Adam moments, the step count) as bytes: a resumed run continues the
 * same descent, so it ends with the same weights as a run never interrupted. Layout: 4-byte
 * big-endian length of a JSON weight manifest, the manifest, then the float32 data.
 */
export async function saveOptimizer(optimizer: tf.Optimizer): Promise<Uint8Array> {
  const weights = await optimizer.getWeights();
  try {
    const { data, specs } = await tf.io.encodeWeights(weights);
    const header = new TextEncoder().encode(JSON.stringify(specs));
    const out = new Uint8Array(4 + header.length + data.byteLength);
    new DataView(out.buffer).setUint32(0, header.length);
    out.set(header, 4);
    out.set(new Uint8Array(data), 4 + header.length);
    return out;
  } finally {
    // getWeights makes a fresh scalar for the step count; the slots themselves stay the optimizer's.
    weights[0]?.tensor.dispose();
  }
}

/** Puts saved state into a new optimizer of the same kind and parameters. */
export async function restoreOptimizer(optimizer: tf.Optimizer, bytes: Uint8Array): Promise<void> {
  if (bytes.byteLength < 4) throw new Error('model: optimizer state is truncated');
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (4 + n > bytes.byteLength) throw new Error('model: optimizer state is truncated');
  const specs = JSON.parse(
    new TextDecoder().decode(bytes.subarray(4, 4 + n)),
  ) as tf.io.WeightsManifestEntry[];
  const map = tf.io.decodeWeights(copy(bytes.subarray(4 + n)), specs);
  const old = await optimizer.getWeights();
  try {
    // setWeights copies each tensor into a new slot variable and drops the old slots undisposed.
    await optimizer.setWeights(specs.map((s) => ({ name: s.name, tensor: map[s.name]! })));
  } finally {
    tf.dispose(old.map((w) => w.tensor));
    tf.dispose(Object.values(map));
  }
}

function copy(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
