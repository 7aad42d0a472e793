// How dates, reminders and recurrences read on the page, in the browser's timezone.

export const timezone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export function when(value, now = new Date()) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const day = new Date(date);
  day.setHours(0, 0, 0, 0);
  const today = new Date(now);
  today.setHours(0, 0, 0, 0);
  const days = Math.round((day - today) / 86_400_000);
  const clock = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const label =
    { 0: "today", 1: "tomorrow", [-1]: "yesterday" }[days] ??
    date.toLocaleDateString([], {
      weekday: "short",
      day: "numeric",
      month: "short",
      year: date.getFullYear() === now.getFullYear() ? undefined : "numeric",
    });
  return `${label} ${clock}`;
}

export function duration(seconds) {
  const s = Number(seconds);
  if (!Number.isFinite(s) || s <= 0) return "";
  if (s % 86_400 === 0) return `${s / 86_400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

// A recurrence in the words the chat's replies use (backend chat/rrule_text.py): "every
// weekday", "on the first Saturday of every month", "every month on the last day", "every
// year on 5 May", ", 5 times", " until 31 Dec"; never the raw rule.
const DAYS = { MO: "Monday", TU: "Tuesday", WE: "Wednesday", TH: "Thursday", FR: "Friday",
  SA: "Saturday", SU: "Sunday" };
const WEEK = Object.keys(DAYS);
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const UNITS = { SECONDLY: "second", MINUTELY: "minute", HOURLY: "hour", DAILY: "day",
  WEEKLY: "week", MONTHLY: "month", YEARLY: "year" };
const NTH = { 1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", [-1]: "last",
  [-2]: "second to last" };
const CUSTOM = "on a custom schedule";
const isDigits = (value) => /^\d+$/.test(value);
const isSigned = (value) => /^[+-]?\d+$/.test(value);

function join(words) {
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

function ordinal(number) {
  if (number === -1) return "last";
  if (number < 0) return `${ordinal(-number)} to last`;
  const teen = number % 100 >= 10 && number % 100 <= 20;
  return `${number}${teen ? "th" : { 1: "st", 2: "nd", 3: "rd" }[number % 10] || "th"}`;
}

function ruleParts(rule) {
  const parts = new Map();
  for (const part of String(rule).trim().replace(/^RRULE:/i, "").split(";")) {
    const at = part.indexOf("=");
    const name = part.slice(0, at).trim().toUpperCase();
    const value = part.slice(at + 1).trim().toUpperCase();
    if (at < 0 || !name || !value) return null;
    parts.set(name, value);
  }
  return parts;
}

function take(parts, name) {
  const value = parts.get(name);
  parts.delete(name);
  return value;
}

const every = (unit, interval) => (interval === 1 ? `every ${unit}` : `every ${interval} ${unit}s`);
const inWeekOrder = (days) => WEEK.filter((code) => days.includes(code));
const sameDays = (a, b) => a.length === b.length && a.every((code, i) => code === b[i]);

function weekly(days, interval) {
  const ordered = inWeekOrder(days);
  const weekdays = sameDays(ordered, WEEK.slice(0, 5));
  if (interval === 1) {
    if (ordered.length === 7) return "every day";
    if (ordered.length === 6) return `every day except ${DAYS[WEEK.find((c) => !ordered.includes(c))]}`;
    return weekdays ? "every weekday" : `every ${join(ordered.map((c) => DAYS[c]))}`;
  }
  const names = weekdays ? "weekdays" : join(ordered.map((c) => DAYS[c]));
  return `${every("week", interval)} on ${names}`;
}

function nthWeekdays(values) {
  const found = [];
  for (const value of values) {
    const number = value.slice(0, -2);
    const code = value.slice(-2);
    if (!DAYS[code] || !isSigned(number) || !NTH[Number(number)]) return null;
    found.push([Number(number), code]);
  }
  if (new Set(found.map(([, code]) => code)).size === 1) {
    return `${join(found.map(([n]) => NTH[n]))} ${DAYS[found[0][1]]}`;
  }
  return join(found.map(([n, code]) => `${NTH[n]} ${DAYS[code]}`));
}

function monthdays(values) {
  if (!values.every(isSigned)) return null;
  const numbers = values.map(Number);
  if (numbers.some((n) => n === 0 || Math.abs(n) > 31)) return null;
  if (numbers.length === 1 && numbers[0] === -1) return "the last day";
  const sorted = [...numbers].sort((a, b) => (a < 0) - (b < 0) || a - b);
  const words = sorted.map(ordinal);
  return `the ${join(words)}${words.at(-1).endsWith("last") ? " day" : ""}`;
}

function monthly(parts, interval) {
  const period = interval === 1 ? "every month" : `every ${interval} months`;
  const byday = take(parts, "BYDAY");
  const bymonthday = take(parts, "BYMONTHDAY");
  if (byday && bymonthday) return null;
  if (bymonthday) {
    const days = monthdays(bymonthday.split(","));
    if (days === null) return null;
    return days === "the last day" || interval > 1 ? `${period} on ${days}` : `on ${days} of ${period}`;
  }
  if (byday) {
    const position = take(parts, "BYSETPOS");
    let values = byday.split(",");
    if (position && sameDays(values, WEEK.slice(0, 5))) {
      const number = isSigned(position) ? Number(position) : 0;
      return NTH[number] ? `on the ${NTH[number]} weekday of ${period}` : null;
    }
    if (position) {
      if (values.length !== 1 || !DAYS[values[0]]) return null;
      values = [`${position}${values[0]}`];
    }
    const nth = nthWeekdays(values);
    return nth === null ? null : `on the ${nth} of ${period}`;
  }
  return period;
}

function yearly(parts, interval) {
  const period = interval === 1 ? "every year" : `every ${interval} years`;
  const bymonth = take(parts, "BYMONTH");
  const months = bymonth ? bymonth.split(",") : [];
  if (!months.every((m) => isDigits(m) && Number(m) >= 1 && Number(m) <= 12)) return null;
  const names = months.length ? join(months.map((m) => MONTHS[Number(m) - 1])) : "";
  const bymonthday = take(parts, "BYMONTHDAY");
  const byday = take(parts, "BYDAY");
  if (bymonthday && months.length === 1 && isDigits(bymonthday)) {
    return `${period} on ${Number(bymonthday)} ${names}`;
  }
  if (bymonthday) {
    const days = monthdays(bymonthday.split(","));
    return days ? `${period} on ${days} of ${names || "the month"}` : null;
  }
  if (byday) {
    const nth = nthWeekdays(byday.split(","));
    return nth ? `${period} on the ${nth} of ${names || "the year"}` : null;
  }
  return names ? `${period} in ${names}` : period;
}

function clock(parts) {
  const hours = take(parts, "BYHOUR");
  const minutes = take(parts, "BYMINUTE");
  if (hours === undefined && minutes === undefined) return "";
  if (hours === undefined || !`${hours},${minutes || 0}`.split(",").every(isDigits)) return null;
  const pad = (n) => String(Number(n)).padStart(2, "0");
  const times = hours.split(",").flatMap((h) => (minutes || "0").split(",").map((m) => `${pad(h)}:${pad(m)}`));
  return ` at ${join(times)}`;
}

// UNTIL as the local day; a floating one, or the usual end-of-day 23:59:59Z, as written.
function until(value, now) {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, zulu] = m;
  let day = new Date(Number(y), Number(mo) - 1, Number(d));
  if (zulu && `${h}${mi}${s}` !== "235959") {
    day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  }
  if (Number.isNaN(day.getTime())) return null;
  const month = MONTHS[day.getMonth()].slice(0, 3);
  const year = now && day.getFullYear() === now.getFullYear() ? "" : ` ${day.getFullYear()}`;
  return ` until ${day.getDate()} ${month}${year}`;
}

function schedule(freq, parts, interval) {
  if ((freq === "WEEKLY" || freq === "DAILY") && parts.has("BYDAY")) {
    const days = take(parts, "BYDAY").split(",");
    if (!days.every((day) => DAYS[day])) return null;
    if (freq === "DAILY" && interval !== 1) return null;
    return weekly(days, interval);
  }
  if (freq === "MONTHLY") return monthly(parts, interval);
  if (freq === "YEARLY") return yearly(parts, interval);
  return every(UNITS[freq], interval);
}

export function recurrence(rule, now = new Date()) {
  if (!rule) return "";
  const parts = ruleParts(rule);
  if (!parts) return CUSTOM;
  const freq = take(parts, "FREQ") || "";
  if (!UNITS[freq]) return CUSTOM;
  const intervalRaw = take(parts, "INTERVAL") || "1";
  const interval = isDigits(intervalRaw) && Number(intervalRaw) > 0 ? Number(intervalRaw) : 0;
  const count = take(parts, "COUNT");
  const end = take(parts, "UNTIL");
  parts.delete("WKST");
  const time = clock(parts);
  let text = interval ? schedule(freq, parts, interval) : null;
  if (text === null || time === null || parts.size) return `${every(UNITS[freq], Math.max(interval, 1))} ${CUSTOM}`;
  text += time;
  if (count !== undefined) text += count === "1" ? ", once" : isDigits(count) ? `, ${count} times` : "";
  if (end !== undefined) text += until(end, now) || "";
  return text;
}

// <input type="datetime-local"> value for an ISO instant, in local time, and back.
export function toLocalInput(value) {
  if (!value) return "";
  const date = new Date(value);
  const pad = (n) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}
