// The task list as the page knows it: REST snapshots plus live events, in a Map by id.
// Pure functions decide which group a task belongs to and how a group is ordered.

export const GROUPS = [
  ["overdue", "Overdue"],
  ["today", "Today"],
  ["upcoming", "Upcoming"],
  ["nodate", "No date"],
  ["done", "Done"],
];

const RANK = { high: 0, medium: 1, low: 2 };

function time(value) {
  return value ? Date.parse(value) : NaN;
}

export function groupOf(task, now = new Date()) {
  if (task.completed) return "done";
  if (!task.due_at) return "nodate";
  const due = new Date(task.due_at);
  if (due < now) return "overdue";
  const endOfToday = new Date(now);
  endOfToday.setHours(23, 59, 59, 999);
  return due <= endOfToday ? "today" : "upcoming";
}

export function matches(task, { tag = "", query = "" } = {}) {
  if (tag && !(task.tags || []).includes(tag)) return false;
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return `${task.title} ${task.description || ""}`.toLowerCase().includes(q);
}

function compare(group) {
  if (group === "done") return (a, b) => (time(b.completed_at) || 0) - (time(a.completed_at) || 0);
  return (a, b) =>
    (time(a.due_at) || 0) - (time(b.due_at) || 0) ||
    (RANK[a.priority] ?? 1) - (RANK[b.priority] ?? 1) ||
    time(a.created_at) - time(b.created_at);
}

export function grouped(tasks, filters, now = new Date()) {
  const out = Object.fromEntries(GROUPS.map(([key]) => [key, []]));
  for (const task of tasks) if (matches(task, filters)) out[groupOf(task, now)].push(task);
  for (const [key] of GROUPS) out[key].sort(compare(key));
  return out;
}

export class TaskStore {
  constructor() {
    this.tasks = new Map();
    this.deleted = new Set();
    this.loading = null; // events that arrive while a snapshot loads, replayed over it
  }

  // A newer state never gives way to an older one (a replay, a slow snapshot).
  upsert(task) {
    if (!task || !task.id || this.deleted.has(task.id)) return false;
    const known = this.tasks.get(task.id);
    if (known && time(known.updated_at) > time(task.updated_at)) return false;
    this.tasks.set(task.id, task);
    return true;
  }

  remove(id) {
    this.deleted.add(id);
    return this.tasks.delete(id);
  }

  apply(message) {
    if (this.loading) this.loading.push(message);
    const task = message.type === "reminder.due" ? message.data?.task : message.data;
    if (!task || typeof task !== "object") return false;
    if (message.type === "task.deleted") return this.remove(task.id);
    return this.upsert(task);
  }

  beginSnapshot() {
    this.loading = [];
  }

  finishSnapshot(tasks) {
    const since = this.loading || [];
    this.loading = null;
    this.tasks = new Map(tasks.map((task) => [task.id, task]));
    this.deleted = new Set();
    for (const message of since) this.apply(message);
  }

  tags() {
    const tags = new Set();
    for (const task of this.tasks.values()) for (const tag of task.tags || []) tags.add(tag);
    return [...tags].sort();
  }

  all() {
    return [...this.tasks.values()];
  }
}
