/** Zod-style issues as one readable line naming each field, e.g. "lambda: must be ≥ 0; epochs: …". */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ')
}
