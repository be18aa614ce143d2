export { openIdxPair, type IdxPair } from './idx-pair.js';
export { readIdxFile, IDX_KINDS, type IdxFile, type IdxKind } from './idx-file.js';
export {
  findFashionMnist,
  findFashionMnistDir,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_DEFAULT_DIR,
  type FashionMnistFiles,
} from './fashion-mnist.js';
