// The conversation panel: history (kept for the browser session), the composer, the bot's
// replies with chips for what it understood, clarifying choices as buttons, and Undo.

import { el } from "./dom.js";
import { duration, recurrence, timezone, when } from "./format.js";

const MAX_KEPT = 200;
const CHANGING_INTENTS = new Set([
  "add_task",
  "complete_task",
  "delete_task",
  "update_task",
  "set_reminder",
  "undo",
]);

export function chipsFor(entities) {
  const e = entities && typeof entities === "object" ? entities : {};
  const chips = [];
  const add = (kind, label, value) => {
    if (value !== null && value !== undefined && value !== "") chips.push({ kind, label, value });
  };
  add("title", "title", e.title || e.new_title);
  add("due", "due", e.due_at ? when(e.due_at) : null);
  add("reminder", "reminder", e.remind_at ? when(e.remind_at) : null);
  if (!e.remind_at && e.remind_before) add("reminder", "reminder", `${duration(e.remind_before)} before`);
  add("recurrence", "repeats", e.recurrence ? recurrence(e.recurrence) : null);
  add("priority", "priority", e.priority);
  for (const tag of Array.isArray(e.tags) ? e.tags : []) add("tag", "tag", `#${tag}`);
  return chips;
}

function choiceFrom(raw, index) {
  if (typeof raw === "string" || typeof raw === "number") {
    return { label: String(raw), answer: String(index + 1) };
  }
  if (!raw || typeof raw !== "object") return null;
  const label = raw.label ?? raw.title ?? raw.text ?? raw.task?.title ?? `Option ${index + 1}`;
  const answer = raw.answer ?? raw.reply ?? raw.message ?? String(raw.number ?? index + 1);
  return { label: String(label), answer: String(answer) };
}

// Numbered choices: from the response's own field when it has one, else from the reply
// (`Which one …? 1. "a"; 2. "b" (answer with the number)`).
export function choicesOf(response) {
  const raw =
    response.choices ?? response.clarification?.choices ?? response.options ?? response.candidates;
  if (Array.isArray(raw) && raw.length) return raw.map(choiceFrom).filter(Boolean);
  const reply = String(response.reply || "");
  if (!/answer with the number/i.test(reply)) return [];
  // The candidates come back as `tasks`, in the numbered order: label them so that two
  // tasks of the same title can be told apart.
  const tasks = Array.isArray(response.tasks) ? response.tasks : [];
  if (tasks.length) return tasks.map((task, i) => ({ label: describe(task), answer: String(i + 1) }));
  const options = /(\d+)\. "(.*?)"(?=; \d+\. "| \(answer with the number\))/g;
  return [...reply.matchAll(options)].map((m) => ({ label: m[2], answer: m[1] }));
}

function describe(task) {
  const parts = [String(task.title ?? "")];
  for (const tag of Array.isArray(task.tags) ? task.tags : []) parts.push(`#${tag}`);
  if (task.due_at) parts.push(`due ${when(task.due_at)}`);
  return parts.join(" · ");
}

export function undoOf(response) {
  const raw =
    response.undo ?? response.undo_action ?? (response.can_undo || response.undoable ? true : null);
  if (!raw) return null;
  if (raw === true) return { label: "Undo last change", answer: "undo" };
  if (typeof raw === "string") return { label: "Undo", answer: raw };
  if (typeof raw !== "object") return null;
  if (raw.available === false) return null;
  return { label: String(raw.label || "Undo"), answer: String(raw.message || raw.command || "undo") };
}

export class ChatPanel {
  constructor({ log, form, input, sendButton, working, newConversation, api, userId, onChanged }) {
    Object.assign(this, { log, form, input, sendButton, working, api, onChanged });
    this.storageKey = `todo.chat.${userId}`;
    this.busy = false;
    this.restore();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    input.addEventListener("keydown", (event) => this.keydown(event));
    newConversation.addEventListener("click", () => this.reset());
    this.render();
  }

  restore() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(this.storageKey) || "null");
      this.conversationId = saved?.conversationId || null;
      this.messages = Array.isArray(saved?.messages) ? saved.messages : [];
    } catch {
      this.conversationId = null;
      this.messages = [];
    }
  }

  save() {
    this.messages = this.messages.slice(-MAX_KEPT);
    sessionStorage.setItem(
      this.storageKey,
      JSON.stringify({ conversationId: this.conversationId, messages: this.messages }),
    );
  }

  forget() {
    sessionStorage.removeItem(this.storageKey);
  }

  reset() {
    this.conversationId = null;
    this.messages = [];
    this.save();
    this.render();
    this.input.focus();
  }

  keydown(event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.submit();
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.input.value = "";
    }
  }

  submit() {
    const text = this.input.value.trim();
    if (!text || this.busy) return;
    this.input.value = "";
    this.send(text);
  }

  setBusy(busy) {
    this.busy = busy;
    this.sendButton.disabled = busy;
    this.form.setAttribute("aria-busy", String(busy));
    this.log.setAttribute("aria-busy", String(busy));
    this.working.textContent = busy ? "Working…" : "";
    this.working.classList.toggle("active", busy);
  }

  async send(text, { answering = null } = {}) {
    if (this.busy) return;
    if (answering) answering.answered = text;
    this.messages.push({ role: "user", text, at: new Date().toISOString() });
    this.save();
    this.render();
    this.setBusy(true);
    try {
      const response = await this.api.chat(text, this.conversationId, timezone());
      this.conversationId = response.conversation_id || this.conversationId;
      const undo = undoOf(response);
      // Undo is offered on the latest reply only, and only while the chat offers it.
      for (const message of this.messages) delete message.undo;
      this.messages.push({
        role: "bot",
        text: String(response.reply ?? ""),
        intent: response.intent,
        chips: chipsFor(response.entities),
        choices: choicesOf(response),
        undo,
        at: new Date().toISOString(),
      });
      if (CHANGING_INTENTS.has(response.intent) || undo) this.onChanged();
    } catch (error) {
      this.messages.push({ role: "bot", error: true, text: `Sorry, that failed: ${error.message}` });
    } finally {
      this.setBusy(false);
      this.save();
      this.render();
      this.input.focus();
    }
  }

  render() {
    const last = this.messages.length - 1;
    const items = this.messages.map((message, index) => this.item(message, index === last));
    if (!items.length) {
      items.push(
        el("p", { class: "msg msg-hint" }, 'Say what you need: "remind me to call mom tomorrow at 6pm".'),
      );
    }
    this.log.replaceChildren(...items);
    this.log.scrollTop = this.log.scrollHeight;
  }

  item(message, isLast) {
    const mine = message.role === "user";
    const node = el(
      "div",
      { class: `msg ${mine ? "msg-user" : "msg-bot"}${message.error ? " msg-error" : ""}` },
      el("span", { class: "visually-hidden" }, mine ? "You said: " : "Bot: "),
      el("p", { class: "msg-text" }, message.text),
    );
    if (message.chips?.length) {
      node.append(
        el(
          "ul",
          { class: "chips", "aria-label": "Understood" },
          message.chips.map((chip) =>
            el(
              "li",
              { class: `chip chip-${chip.kind}`, dataset: { kind: chip.kind } },
              el("span", { class: "chip-label" }, `${chip.label}: `),
              chip.value,
            ),
          ),
        ),
      );
    }
    if (message.choices?.length && isLast && !message.answered) {
      node.append(
        el(
          "div",
          { class: "choices", role: "group", "aria-label": "Choose one" },
          message.choices.map((choice) =>
            el(
              "button",
              {
                type: "button",
                class: "choice",
                onclick: () => this.send(choice.answer, { answering: message }),
              },
              `${choice.answer}. ${choice.label}`,
            ),
          ),
        ),
      );
    }
    if (message.undo) {
      node.append(
        el(
          "button",
          {
            type: "button",
            class: "undo",
            onclick: () => {
              const { answer } = message.undo;
              delete message.undo;
              this.send(answer);
            },
          },
          message.undo.label,
        ),
      );
    }
    return node;
  }
}
