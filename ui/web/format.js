// How times, sizes and command-line values are written on the page.

const pad = (n, w = 2) => String(n).padStart(w, '0');

// Wall-clock µs since the epoch as local time: "2026-11-30 17:56:31"; a time that Date cannot
// hold (beyond ±275,000 years: only a crafted file has one) as isoUs writes it.
export function localTime(us, withMs = false) {
  if (us === null || us === undefined) {
    return '';
  }
  const d = new Date(Math.floor(us / 1000));
  if (Number.isNaN(d.getTime())) {
    return isoUs(us);
  }
  const text = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMs ? `${text}.${pad(d.getMilliseconds(), 3)}` : text;
}

// Wall-clock µs as the ISO time with µs that rtmtap's --since/--until take: "2026-11-30T17:56:31.503462Z";
// beyond Date's range as seconds since the epoch, "@9223372036854.775807" (toISOString would throw).
export function isoUs(us) {
  const whole = Math.round(us);
  const seconds = Math.floor(whole / 1e6);
  const micros = Math.min(999999, Math.max(0, whole - seconds * 1e6));
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) {
    return `@${seconds}.${pad(micros, 6)}`;
  }
  return `${date.toISOString().slice(0, 19)}.${pad(micros, 6)}Z`;
}

// A duration in µs, short: "850 ms", "15.2 s", "3 m 20 s", "2 h 05 m".
export function duration(us) {
  if (us === null || us === undefined) {
    return '';
  }
  if (us < 1e6) {
    return `${Math.round(us / 1000)} ms`;
  }
  const s = us / 1e6;
  if (s < 60) {
    return `${s.toFixed(1)} s`;
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return `${m} m ${pad(Math.floor(s % 60))} s`;
  }
  return `${Math.floor(m / 60)} h ${pad(m % 60)} m`;
}

// A frame's time since its session began (t_us) in ms, as the table shows it: "1865.843"
// (from 100 s on with one decimal, to keep the column narrow: "1029990.0").
export function sinceStart(us) {
  return (us / 1000).toFixed(us < 1e8 ? 3 : 1);
}

// A time offset on an axis: "0", "500ms", "12s", "3m", "1h05m".
export function axisTime(us) {
  if (us === 0) {
    return '0';
  }
  if (us < 1e6) {
    return `${Math.round(us / 1000)}ms`;
  }
  const s = us / 1e6;
  if (s < 60) {
    return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  }
  const m = Math.floor(s / 60);
  const rest = Math.round(s % 60);
  if (m < 60) {
    return rest ? `${m}m${pad(rest)}s` : `${m}m`;
  }
  return `${Math.floor(m / 60)}h${pad(m % 60)}m`;
}

export function bytes(n) {
  if (n === null || n === undefined) {
    return '';
  }
  if (n < 10000) {
    return String(n);
  }
  if (n < 1e6) {
    return `${(n / 1024).toFixed(1)}k`;
  }
  return `${(n / 1048576).toFixed(1)}M`;
}

export function count(n) {
  return n === null || n === undefined ? '' : n.toLocaleString('en-US');
}

// A word as a POSIX shell reads it back unchanged: bare when it is safe, else single-quoted.
export function shellQuote(word) {
  const text = String(word);
  if (/^[\w@%+=:,./-]+$/.test(text)) {
    return text;
  }
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

// A recorded name as a cell or a legend shows it: its first NAME_CHARS characters. A name is as
// long as its frame lets it be, and laying out a 1 MiB line in each of 30 rows held the tab for
// seconds; titles and filter values keep it whole.
const NAME_CHARS = 200;

export function cut(text) {
  const s = String(text);
  return s.length > NAME_CHARS ? `${s.slice(0, NAME_CHARS)}…` : s;
}
