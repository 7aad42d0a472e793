// Live sync: one WebSocket, authenticated with the `bearer.<jwt>` subprotocol (never the
// token in the URL), reconnecting with exponential backoff and full jitter, resuming after
// the last `seq` it has so a reconnect neither misses nor repeats anything.

const PING_EVERY_MS = 20_000; // the server closes a connection silent for 60 s
const PONG_WITHIN_MS = 10_000;

export function backoffDelay(attempt, { baseMs = 500, maxMs = 15_000, random = Math.random } = {}) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  // Half fixed, half random: never hammering, never two clients in lockstep.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function websocketUrl(configured, location) {
  const url = new URL(configured || "/ws", location.href);
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:") url.protocol = "wss:";
  return url.toString();
}

export class LiveSocket {
  constructor({ url, token, onEvent, onState, onReload, onUnauthorized }) {
    this.url = url;
    this.token = token;
    this.onEvent = onEvent;
    this.onState = onState;
    this.onReload = onReload; // fresh connection without a seq, or resume.gap: reload the list
    this.onUnauthorized = onUnauthorized;
    this.lastSeq = null;
    this.attempt = 0;
    this.ws = null;
    this.stopped = false;
    this.timers = { reconnect: null, ping: null, pong: null };
    this.stats = { connects: 0, resumes: 0, duplicatesSkipped: 0, gaps: 0 };
    this.state = "offline";
    this.handleOnline = () => this.reconnectNow();
    this.handleOffline = () => this.setState("offline", "browser is offline");
    window.addEventListener("online", this.handleOnline);
    window.addEventListener("offline", this.handleOffline);
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.clearTimers();
    window.removeEventListener("online", this.handleOnline);
    window.removeEventListener("offline", this.handleOffline);
    if (this.ws) this.ws.close(1000, "signed out");
    this.ws = null;
    this.setState("offline", "signed out");
  }

  setState(state, detail = "") {
    this.state = state;
    this.onState(state, detail);
  }

  clearTimers() {
    for (const name of Object.keys(this.timers)) {
      clearTimeout(this.timers[name]);
      this.timers[name] = null;
    }
  }

  connect() {
    if (this.stopped) return;
    this.clearTimers();
    // navigator.onLine only says "offline" for sure; a connection is tried regardless.
    if (navigator.onLine) {
      this.setState(this.attempt === 0 && this.stats.connects === 0 ? "connecting" : "reconnecting");
    }
    let ws;
    try {
      ws = new WebSocket(this.url, [`bearer.${this.token}`]);
    } catch (error) {
      this.scheduleReconnect(String(error));
      return;
    }
    this.ws = ws;
    ws.addEventListener("open", () => this.opened(ws));
    ws.addEventListener("message", (event) => this.received(ws, event.data));
    ws.addEventListener("close", (event) => this.closed(ws, event));
  }

  opened(ws) {
    if (ws !== this.ws) return;
    this.attempt = 0;
    this.stats.connects += 1;
    if (this.lastSeq === null) {
      // Nothing seen yet: go live at once and take the current list from REST.
      this.send({ type: "ping" });
      this.onReload("connected");
    } else {
      this.stats.resumes += 1;
      this.send({ type: "resume", after_seq: this.lastSeq });
    }
    this.setState("connected");
    this.schedulePing();
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  schedulePing() {
    clearTimeout(this.timers.ping);
    this.timers.ping = setTimeout(() => {
      this.send({ type: "ping" });
      // A half-open connection never answers: give up on it and reconnect.
      this.timers.pong = setTimeout(() => this.ws && this.ws.close(4000, "no pong"), PONG_WITHIN_MS);
      this.schedulePing();
    }, PING_EVERY_MS);
  }

  received(ws, data) {
    if (ws !== this.ws) return;
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!message || typeof message !== "object") return;
    clearTimeout(this.timers.pong);
    if (message.type === "error" && String(message.data?.detail || "").startsWith("resume")) {
      ws.close(4000, "resume failed"); // reconnect (with backoff) and resume again
      return;
    }
    if (message.type === "resume.gap") {
      this.stats.gaps += 1;
      this.onReload("gap");
      return;
    }
    if (typeof message.seq === "number") {
      if (this.lastSeq !== null && message.seq <= this.lastSeq) {
        this.stats.duplicatesSkipped += 1;
        return;
      }
      this.lastSeq = message.seq;
    }
    if (message.type && message.type.includes(".") && !message.type.startsWith("resume.")) {
      this.onEvent(message);
    }
  }

  closed(ws, event) {
    if (ws !== this.ws) return;
    this.ws = null;
    clearTimeout(this.timers.ping);
    clearTimeout(this.timers.pong);
    if (this.stopped) return;
    if (event.code === 4401) {
      this.setState("offline", "sign-in expired");
      this.onUnauthorized();
      return;
    }
    this.scheduleReconnect(event.reason || `closed (${event.code})`);
  }

  scheduleReconnect(reason) {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    const seconds = Math.max(1, Math.round(delay / 1000));
    const retry = `${reason}; retry ${this.attempt} in ${seconds} s`;
    if (navigator.onLine) this.setState("reconnecting", retry);
    else this.setState("offline", `browser is offline; ${retry}`);
    this.timers.reconnect = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped) return;
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.setState("connected"); // the connection outlived the browser's offline spell
      return;
    }
    if (this.ws && this.ws.readyState === WebSocket.CONNECTING) return;
    this.attempt = 0;
    this.connect();
  }
}
