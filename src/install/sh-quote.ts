/** Quotes a string for POSIX sh with single quotes (a quote inside becomes '\''). */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
