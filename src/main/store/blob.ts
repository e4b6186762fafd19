/**
 * α history BLOBs: typed arrays written in the machine's byte order, which is
 * little-endian on every platform Node and Electron ship for.
 */
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('α-Workbench stores history as little-endian BLOBs; this machine is big-endian')
}

export function float32Blob(values: ArrayLike<number>): Buffer {
  const a = Float32Array.from(values)
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

export function float64Blob(values: ArrayLike<number>): Buffer {
  const a = Float64Array.from(values)
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

export function int32Blob(values: ArrayLike<number>): Buffer {
  const a = Int32Array.from(values)
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

export function uint16Blob(values: ArrayLike<number>): Buffer {
  const a = Uint16Array.from(values)
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

/** A typed view needs its byte offset aligned to the element size; copy when it is not. */
function aligned(buf: Uint8Array, size: number): ArrayBuffer {
  if (buf.byteOffset % size === 0) return buf.buffer as ArrayBuffer
  return buf.slice().buffer as ArrayBuffer
}

function offset(buf: Uint8Array, size: number): number {
  return buf.byteOffset % size === 0 ? buf.byteOffset : 0
}

export function readFloat32(buf: Uint8Array): Float32Array {
  return new Float32Array(aligned(buf, 4), offset(buf, 4), buf.byteLength / 4)
}

export function readFloat64(buf: Uint8Array): Float64Array {
  return new Float64Array(aligned(buf, 8), offset(buf, 8), buf.byteLength / 8)
}

export function readInt32(buf: Uint8Array): Int32Array {
  return new Int32Array(aligned(buf, 4), offset(buf, 4), buf.byteLength / 4)
}

export function readUint16(buf: Uint8Array): Uint16Array {
  return new Uint16Array(aligned(buf, 2), offset(buf, 2), buf.byteLength / 2)
}
