/**
 * Input quoted back in a message (a CLI error, an HTTP error body, a CSV line)
 * must not flood a terminal or drive it: `echo` cuts it to a bounded length and
 * escapes every control character (ANSI escapes, NUL, CR, bidi overrides) so
 * what is shown is exactly what was sent, one line, safe to print.
 */

/** Longest piece of input one message quotes, in characters (before escaping). */
export const ECHO_MAX = 120

/** Longest whole message printed or returned (a message that quotes several inputs). */
export const MESSAGE_MAX = 2000

// C0 controls, DEL, C1 controls, line/paragraph separators and bidi/zero-width format characters.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g

function escapeChar(c: string): string {
  const code = c.charCodeAt(0)
  if (c === '\n') return '\\n'
  if (c === '\r') return '\\r'
  if (c === '\t') return '\\t'
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** Escapes control characters (one line, no terminal escapes). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeChar)
}

/** A piece of untrusted input, cut to `max` characters and escaped, ready to quote in a message. */
export function echo(input: unknown, max = ECHO_MAX): string {
  let text = typeof input === 'string' ? input : String(input)
  let cut = ''
  if (text.length > max) {
    cut = `… (${text.length.toLocaleString('en')} chars)`
    text = text.slice(0, max)
    // Never leave half a surrogate pair.
    if (/[\ud800-\udbff]$/.test(text)) text = text.slice(0, -1)
  }
  return escapeControls(text) + cut
}

/** A whole message made safe to print: control characters but line breaks escaped, length bounded. */
export function safeMessage(message: string, max = MESSAGE_MAX): string {
  const cut = message.length > max ? `… (${message.length.toLocaleString('en')} chars)` : ''
  return (
    (cut ? message.slice(0, max) : message)
      .split('\n')
      .map(escapeControls)
      .join('\n') + cut
  )
}
