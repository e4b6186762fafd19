// @tensorflow/tfjs-node is an optional dependency (its install downloads
// libtensorflow and fails offline). It is only ever imported for its side
// effect of registering the 'tensorflow' backend.
declare module '@tensorflow/tfjs-node'
