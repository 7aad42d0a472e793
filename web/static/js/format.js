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

const DAYS = { MO: "Mon", TU: "Tue", WE: "Wed", TH: "Thu", FR: "Fri", SA: "Sat", SU: "Sun" };
const FREQ = { DAILY: "day", WEEKLY: "week", MONTHLY: "month", YEARLY: "year", HOURLY: "hour" };

export function recurrence(rule) {
  if (!rule) return "";
  const parts = Object.fromEntries(
    String(rule)
      .replace(/^RRULE:/i, "")
      .split(";")
      .map((part) => part.split("=")),
  );
  const unit = FREQ[parts.FREQ];
  if (!unit) return String(rule);
  const interval = Number(parts.INTERVAL || 1);
  let text = interval > 1 ? `every ${interval} ${unit}s` : `every ${unit}`;
  if (parts.BYDAY) {
    const days = parts.BYDAY.split(",").map((d) => DAYS[d.slice(-2)] || d);
    text = interval > 1 ? `${text} on ${days.join(", ")}` : `every ${days.join(", ")}`;
  }
  if (parts.BYMONTHDAY) text += ` on day ${parts.BYMONTHDAY}`;
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
