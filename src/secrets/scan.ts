/**
 * Secret scanning with secretlint's recommended rules (AWS, GCP, GitHub, npm, Slack, OpenAI, Anthropic,
 * private keys, basic auth, database connection strings, …). One module for every part of ai-trace that
 * looks for secrets: the session signals, and anything that must redact before it stores or sends.
 */

/** One secret found in a text: the rule that matched and where; the secret itself is never kept. */
export interface SecretMatch {
  /** The secretlint rule id, e.g. `@secretlint/secretlint-rule-aws`. */
  rule: string;
  /** The rule's kind of finding, e.g. `AWSSecretAccessKey`. */
  messageId?: string;
  /** Character offsets of the match in the scanned text. */
  start: number;
  end: number;
}

/** Longest text scanned in one call; the rest of a longer text is not looked at (a huge tool output must not stall the daemon). */
export const MAX_SCAN_CHARS = 1024 * 1024;

type Lint = (text: string) => Promise<SecretMatch[]>;
let lint: Promise<Lint> | undefined;

/** secretlint is loaded on first use, so commands that never scan do not pay for it. */
function linter(): Promise<Lint> {
  lint ??= (async () => {
    const [{ lintSource }, { creator }, { secretLintProfiler }] = await Promise.all([
      import('@secretlint/core'),
      import('@secretlint/secretlint-rule-preset-recommend'),
      import('@secretlint/profiler'),
    ]);
    // secretlint 11 marks each rule's run in the global performance timeline and, at every mark, scans
    // all earlier ones: never cleared, so each scan costs more than the last (a 10,000-event backlog
    // spent 80% of its time there) and memory only grows. ai-trace reads no profile: marks are dropped
    // (secretlint#1633; fixed in 13, which needs Node 22)
    secretLintProfiler.mark = () => undefined;
    const config = { rules: [{ id: creator.meta.id, rule: creator }] };
    return async (text: string) => {
      const result = await lintSource({
        source: { content: text, filePath: 'input.txt', ext: '.txt', contentType: 'text' },
        options: { config, maskSecrets: true, noPhysicFilePath: true },
      });
      return result.messages.map((m) => ({
        rule: m.ruleId,
        ...(m.messageId ? { messageId: m.messageId } : {}),
        start: m.range[0],
        end: m.range[1],
      }));
    };
  })();
  return lint;
}

/** Secrets in `text` (its first MAX_SCAN_CHARS characters), in order of position. */
export async function scanSecrets(text: string): Promise<SecretMatch[]> {
  if (text.length === 0) return [];
  const found = await (await linter())(text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text);
  return found.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** `text` with every match replaced by `[REDACTED:<rule>]`. */
export function redactSecrets(text: string, matches: SecretMatch[]): string {
  let out = '';
  let at = 0;
  for (const m of [...matches].sort((a, b) => a.start - b.start)) {
    if (m.start < at) continue;
    out += text.slice(at, m.start) + `[REDACTED:${m.rule.replace(/^@secretlint\/secretlint-rule-/, '')}]`;
    at = m.end;
  }
  return out + text.slice(at);
}

/** Every string inside a JSON value, joined by newlines (keys too: a secret can sit in either). */
export function jsonText(value: unknown, limit = MAX_SCAN_CHARS): string {
  const parts: string[] = [];
  let size = 0;
  const walk = (v: unknown, depth: number): void => {
    if (size >= limit || depth > 32) return;
    if (typeof v === 'string') {
      parts.push(v);
      size += v.length + 1;
    } else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        parts.push(k);
        size += k.length + 1;
        walk(x, depth + 1);
      }
    }
  };
  walk(value, 0);
  return parts.join('\n');
}
