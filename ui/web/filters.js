// The filter bar: the flags of `rtmtap query` typed as text (`--event 'chat.*' --dir s2c --since 10m`)
// and the API's query parameters they stand for (docs/ui-api.md: the flag names without their
// dashes, repeated to OR values). The server checks the values with the command line's own code;
// this only splits the text as a shell would and knows which names exist.

export const FRAME_FILTERS = ['session', 'dir', 'op', 'kind', 'event', 'command', 'channel', 'message',
  'user', 'since', 'until', 'text', 'where', 'finding'];
export const FRAME_SWITCHES = ['malformed', 'edited', 'injected'];
export const SESSION_FILTERS = ['since', 'user', 'label'];

// Flags of a pasted command line that choose output, not frames: skipped (with their value).
const OUTPUT_OPTIONS = ['db', 'limit', 'order', 'color'];
const OUTPUT_SWITCHES = ['jsonl', 'json', 'pretty', 'count', 'from-start'];

// Splits text into words as a POSIX shell does: whitespace separates, '...' is literal,
// "..." allows \" \\ \$ \`, a backslash outside quotes escapes the next character.
export function shellWords(text) {
  const words = [];
  let word = null;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (word !== null) {
        words.push(word);
        word = null;
      }
      i += 1;
      continue;
    }
    word = word ?? '';
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) {
        throw new Error(`a quote is not closed: ${text.slice(i)}`);
      }
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) {
          i += 1;
        }
        word += text[i];
        i += 1;
      }
      if (i >= text.length) {
        throw new Error('a double quote is not closed');
      }
      i += 1;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[i + 1];
      i += 2;
    } else {
      word += c;
      i += 1;
    }
  }
  if (word !== null) {
    words.push(word);
  }
  return words;
}

// Parses the bar's text. names: the flags that take a value; switches: the flags that take none.
// Returns {params: [[name, value], ...] in the order typed, words: [bare words]}; throws an Error
// with one line on an unknown flag or a missing value. A leading `rtmtap query` (a pasted
// command) and output options (--db F, --jsonl, --limit N, ...) are skipped.
export function parseFilterText(text, names, switches = []) {
  const words = shellWords(text);
  if (words[0] === 'rtmtap') {
    words.splice(0, ['query', 'tail', 'sessions'].includes(words[1]) ? 2 : 1);
  }
  const params = [];
  const bare = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i];
    if (!word.startsWith('-') || word === '-') {
      bare.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = (eq > 0 ? word.slice(0, eq) : word).replace(/^--?/, '');
    const inline = eq > 0 ? word.slice(eq + 1) : null;
    if (switches.includes(name) || OUTPUT_SWITCHES.includes(name)) {
      if (switches.includes(name)) {
        params.push([name, inline ?? '1']);
      }
      continue;
    }
    if (!names.includes(name) && !OUTPUT_OPTIONS.includes(name)) {
      throw new Error(`unknown flag ${word.slice(0, eq > 0 ? eq : undefined)} (the filters: ${
        [...names, ...switches].map((n) => `--${n}`).join(' ')})`);
    }
    let value = inline;
    if (value === null) {
      if (i + 1 >= words.length) {
        throw new Error(`--${name} needs a value`);
      }
      i += 1;
      value = words[i];
    }
    if (names.includes(name)) {
      params.push([name, value]);
    }
  }
  return { params, words: bare };
}

// The params back as the bar shows them: `--event 'chat.*' --malformed`.
export function filterText(params, switches = FRAME_SWITCHES) {
  return params.map(([name, value]) => (switches.includes(name) ? `--${name}` : `--${name} ${quote(value)}`)).join(' ');
}

function quote(value) {
  const text = String(value);
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

// The filter entries of URL params, in order: [[name, value], ...].
export function pickFilters(params, names = FRAME_FILTERS, switches = FRAME_SWITCHES) {
  return [...params.entries()].filter(([name]) => names.includes(name) || switches.includes(name));
}

export function toSearchParams(entries) {
  const out = new URLSearchParams();
  for (const [name, value] of entries) {
    out.append(name, value);
  }
  return out;
}

// The same filters, whatever their order: for telling whether a view's filters changed.
export function sameFilters(a, b) {
  const key = (entries) => entries.map(([n, v]) => `${n}=${v}`).sort().join('&');
  return key(a) === key(b);
}
