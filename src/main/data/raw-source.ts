import type { ImageSet } from './types'

/** Images as read from a source, in source order, before dedupe and split. */
export interface RawSource {
  set: ImageSet
  entries: number
  emptySkipped: number
  origin: string
}
