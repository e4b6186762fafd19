import { z } from 'zod'

/**
 * What a researcher writes on a run (and a sweep): a display name, free-text
 * notes and tags. One set of rules for the API, the store and the CLI.
 */

export const MAX_NAME_LENGTH = 100
/** As in a sweep spec (sweep-spec.ts). */
export const MAX_SWEEP_NAME_LENGTH = 200
export const MAX_NOTES_LENGTH = 10_000
export const MAX_TAG_LENGTH = 40
export const MAX_TAGS_PER_RUN = 20

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/** A sweep's name: trimmed, one line, 1..200 characters. */
export const SweepNameSchema = z
  .string()
  .trim()
  .min(1, 'a name cannot be empty')
  .max(MAX_SWEEP_NAME_LENGTH, `at most ${MAX_SWEEP_NAME_LENGTH} characters`)
  .refine((s) => !CONTROL.test(s), 'one line, without control characters')

/** A run's display name: trimmed, one line; empty or null clears it (the run shows as #id). */
export const RunNameSchema = z
  .string()
  .trim()
  .max(MAX_NAME_LENGTH, `at most ${MAX_NAME_LENGTH} characters`)
  .refine((s) => !CONTROL.test(s), 'one line, without control characters')
  .transform((s) => (s === '' ? null : s))
  .nullable()

/** Plain-text notes: trimmed, line breaks kept; empty or null clears them. */
export const RunNotesSchema = z
  .string()
  .trim()
  .max(MAX_NOTES_LENGTH, `at most ${MAX_NOTES_LENGTH} characters`)
  .transform((s) => (s === '' ? null : s))
  .nullable()

/** One tag: trimmed, 1..40 characters, no comma (lists of tags are comma-separated on the command line and in links). */
export const TagSchema = z
  .string()
  .trim()
  .min(1, 'a tag cannot be empty')
  .max(MAX_TAG_LENGTH, `a tag has at most ${MAX_TAG_LENGTH} characters`)
  .refine((s) => !s.includes(','), 'a tag cannot contain a comma')
  .refine((s) => !CONTROL.test(s), 'a tag is one line, without control characters')

/** A run's tags, in the order given: at most 20, each once. */
export const RunTagsSchema = z
  .array(TagSchema)
  .max(MAX_TAGS_PER_RUN, `a run has at most ${MAX_TAGS_PER_RUN} tags`)
  .superRefine((tags, ctx) => {
    const seen = new Set<string>()
    for (const t of tags) {
      if (seen.has(t)) ctx.addIssue({ code: 'custom', message: `tag '${t}' is given twice` })
      seen.add(t)
    }
  })

/** What one edit of a run changes; fields left out stay as they are. */
export const RunEditSchema = z
  .object({ name: RunNameSchema.optional(), notes: RunNotesSchema.optional(), tags: RunTagsSchema.optional() })
  .strict()
  .refine((e) => e.name !== undefined || e.notes !== undefined || e.tags !== undefined, 'give at least one of name, notes, tags')
export type RunEdit = z.input<typeof RunEditSchema>
export type RunEditValues = z.output<typeof RunEditSchema>
