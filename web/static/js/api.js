// REST calls to the backend (same origin), with the bearer token.

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

async function parse(response) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    let detail = body && (body.detail || body.message);
    if (Array.isArray(detail)) detail = detail.map((d) => d.msg || JSON.stringify(d)).join("; ");
    throw new ApiError(response.status, typeof detail === "string" ? detail : text.slice(0, 200));
  }
  return body;
}

export async function clientConfig() {
  return parse(await fetch("/config.json", { headers: { Accept: "application/json" } }));
}

export async function devToken(name) {
  return parse(
    await fetch("/dev/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name }),
    }),
  );
}

export class Api {
  constructor(token, { onUnauthorized } = {}) {
    this.token = token;
    this.onUnauthorized = onUnauthorized || (() => {});
  }

  async request(method, path, body) {
    const headers = { Authorization: `Bearer ${this.token}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) this.onUnauthorized();
    return parse(response);
  }

  async allTasks() {
    const pageSize = 200;
    const tasks = [];
    for (let offset = 0; offset < 2000; offset += pageSize) {
      const page = await this.request(
        "GET",
        `/api/tasks?status=all&sort=due_at&limit=${pageSize}&offset=${offset}`,
      );
      tasks.push(...page.items);
      if (tasks.length >= page.total || page.items.length === 0) break;
    }
    return tasks;
  }

  chat(message, conversationId, timezone, extra = {}) {
    return this.request("POST", "/api/chat", {
      message,
      conversation_id: conversationId || null,
      timezone,
      ...extra,
    });
  }

  complete(id) {
    return this.request("POST", `/api/tasks/${encodeURIComponent(id)}/complete`);
  }

  update(id, changes) {
    return this.request("PATCH", `/api/tasks/${encodeURIComponent(id)}`, changes);
  }

  remove(id) {
    return this.request("DELETE", `/api/tasks/${encodeURIComponent(id)}`);
  }
}
