import * as tf from '@tensorflow/tfjs';

/** A model as bytes: TF.js's model.json (topology + weight manifest) and one weights file. */
export interface ModelArtifacts {
  readonly modelJson: string;
  readonly weights: Buffer;
}

const WEIGHTS_PATH = 'weights.bin';

export async function saveModel(model: tf.LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const weightData = a.weightData as ArrayBuffer;
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_PATH], weights: a.weightSpecs }],
      };
      saved = { modelJson: JSON.stringify(modelJson), weights: Buffer.from(weightData) };
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('model: TF.js saved nothing');
  return saved;
}

/** The inverse of saveModel: model.json as in the lake, and the bytes of its weights file. */
export async function loadModel(artifacts: ModelArtifacts): Promise<tf.LayersModel> {
  const json = JSON.parse(artifacts.modelJson) as {
    modelTopology: tf.io.ModelArtifacts['modelTopology'];
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const w = artifacts.weights;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer,
    }),
  );
}

/** Optimizer state (momentum, Adam moments) as bytes, so a resumed run continues the same descent. */
export async function saveOptimizer(optimizer: tf.Optimizer): Promise<Buffer> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  const header = Buffer.from(JSON.stringify(specs));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, Buffer.from(data as ArrayBuffer)]);
}

export async function restoreOptimizer(optimizer: tf.Optimizer, bytes: Buffer): Promise<void> {
  const n = bytes.readUInt32BE(0);
  const specs = JSON.parse(bytes.subarray(4, 4 + n).toString()) as tf.io.WeightsManifestEntry[];
  const rest = bytes.subarray(4 + n);
  const map = tf.io.decodeWeights(
    rest.buffer.slice(rest.byteOffset, rest.byteOffset + rest.byteLength) as ArrayBuffer,
    specs,
  );
  await optimizer.setWeights(specs.map((s) => ({ name: s.name, tensor: map[s.name]! })));
}
