/**
 * Facts used in several layers, stated once. Pure values: every layer
 * (main, renderer, preload) may import this module.
 */

/** Input images are IMAGE_SIZE × IMAGE_SIZE grey (Fashion-MNIST, MNIST). */
export const IMAGE_SIZE = 28
export const IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE
/** The classifier's classes (digits, or Fashion-MNIST's ten garments). */
export const NUM_CLASSES = 10

/** The study's collapse threshold: an α has collapsed when its final value is ≤ this. */
export const COLLAPSE_THRESHOLD = 0.05

/** What can train a run: the native kernel or TF.js. */
export const ENGINE_KINDS = ['native', 'tfjs'] as const
export type EngineKind = (typeof ENGINE_KINDS)[number]
/** What a user may ask for: 'auto' (native where it supports the network, else TF.js) or one engine. */
export const ENGINE_PREFERENCES = ['auto', ...ENGINE_KINDS] as const
export type EnginePreference = (typeof ENGINE_PREFERENCES)[number]
