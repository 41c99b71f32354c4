/** Splitting a shell command line into simple commands and words: enough to classify, not to run. */

/** The simple commands of a command line: split at newlines, `;`, `&&`, `||`, `|` and `&`, outside quotes. */
export function simpleCommands(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      cur += c;
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === '\\' && i + 1 < line.length) cur += c + line[++i];
    else if (c === '\n' || c === ';' || c === '|' || c === '&' || c === '(' || c === ')' || c === '`') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** The words of a simple command, quotes removed. */
export function words(command: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

const WRAPPERS = new Set(['sudo', 'doas', 'time', 'nice', 'nohup', 'exec', 'command', 'builtin', 'env', 'xargs', 'timeout', 'stdbuf']);

/** The words of a simple command without leading `VAR=value` assignments and wrappers such as `sudo`, `env`, `time`. */
export function commandWords(command: string): string[] {
  const w = words(command);
  let i = 0;
  for (;;) {
    const x = w[i];
    if (x === undefined) break;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(x)) i++;
    else if (WRAPPERS.has(x)) {
      i++;
      // the wrapper's own options (timeout's duration, env's -i, sudo's -u user)
      while (w[i]?.startsWith('-')) i += w[i] === '-u' ? 2 : 1;
      if (x === 'timeout' && w[i] && /^\d/.test(w[i]!)) i++;
    } else break;
  }
  return w.slice(i);
}
